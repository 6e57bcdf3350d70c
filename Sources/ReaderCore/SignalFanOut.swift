import Base

/// Puts every message on the queue (SPEC §4): batches of at most 10 entries and 256 KiB, several batches
/// in flight, entries SQS reports as `Failed` (not the sender's fault) sent again in later rounds.
/// What still fails is returned, never dropped: the reader turns it into an error result.
public struct SignalFanOut: Sendable {
    public static let maxEntries = 10
    public static let maxBatchBytes = 256 * 1024

    /// One message to send, with what the trader recognises it by.
    public struct Message: Sendable, Equatable {
        public let row: Int
        public let body: String
        public init(row: Int, body: String) {
            self.row = row
            self.body = body
        }
        var entryID: String { "row-\(row)" }
    }

    public struct Failure: Sendable, Equatable {
        public let row: Int
        public let reason: String
    }

    public struct Outcome: Sendable, Equatable {
        /// Rows whose message SQS accepted, in row order.
        public var sentRows: [Int] = []
        /// Rows whose message is not on the queue, in row order.
        public var failures: [Failure] = []
    }

    let queue: any MessageQueue
    /// Rounds of sending in total (the first and the re-sends of `Failed` entries).
    let rounds: Int
    /// Batches in flight at once: enough to hide round trips, few enough for SQS and a small Lambda.
    let concurrency: Int
    let baseDelayMs: Int64
    let clock: any WallClock
    let random: @Sendable () -> Double
    let sleep: @Sendable (Int64) async throws -> Void

    public init(
        queue: any MessageQueue, rounds: Int = 3, concurrency: Int = 8, baseDelayMs: Int64 = 200,
        clock: any WallClock = SystemClock(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Int64) async throws -> Void = { ms in
            try await Task.sleep(nanoseconds: UInt64(max(0, ms)) * 1_000_000)
        }
    ) {
        self.queue = queue
        self.rounds = max(1, rounds)
        self.concurrency = max(1, concurrency)
        self.baseDelayMs = baseDelayMs
        self.clock = clock
        self.random = random
        self.sleep = sleep
    }

    /// Splits entries into batches of at most 10 whose bodies add up to at most 256 KiB, in order.
    public static func batches(_ entries: [QueueEntry]) -> [[QueueEntry]] {
        var out: [[QueueEntry]] = []
        var current: [QueueEntry] = []
        var bytes = 0
        for e in entries {
            let size = e.body.utf8.count
            if !current.isEmpty && (current.count == maxEntries || bytes + size > maxBatchBytes) {
                out.append(current)
                current = []
                bytes = 0
            }
            current.append(e)
            bytes += size
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Sends everything; `deadline` (epoch ms) stops re-send rounds that could not finish in time.
    public func send(_ messages: [Message], deadline: EpochMillis? = nil) async -> Outcome {
        var rowOf: [String: Int] = [:]
        var pending: [QueueEntry] = []
        var finalFailures: [String: String] = [:]
        for m in messages {
            rowOf[m.entryID] = m.row
            let body = SQSBody.safe(m.body)
            if body.utf8.count > Self.maxBatchBytes {
                finalFailures[m.entryID] = "message is \(body.utf8.count) bytes, over SQS's 256 KiB limit"
            } else {
                pending.append(QueueEntry(id: m.entryID, body: body))
            }
        }
        var sent: [String] = []
        var lastReason: [String: String] = [:]
        for round in 1...rounds {
            if pending.isEmpty { break }
            if round > 1 {
                let ceiling = baseDelayMs << Int64(round - 2)
                let pause = ceiling / 2 + Int64(Double(ceiling / 2) * random())
                if let deadline, clock.nowMillis() + pause + 1_000 > deadline { break }
                do { try await sleep(pause) } catch { break }
            }
            let results = await sendRound(pending)
            var retry: [QueueEntry] = []
            for (batch, result) in results {
                switch result {
                case .success(let failed):
                    let failedByID = Dictionary(failed.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                    for entry in batch {
                        guard let f = failedByID[entry.id] else {
                            sent.append(entry.id)
                            continue
                        }
                        let reason = "SQS refused the message (\(f.code): \(f.message))"
                        if f.senderFault { finalFailures[entry.id] = reason } else {
                            lastReason[entry.id] = reason
                            retry.append(entry)
                        }
                    }
                case .failure(let reason):
                    // The client already retried the call itself; a whole-batch failure is final.
                    for entry in batch { finalFailures[entry.id] = reason }
                }
            }
            pending = retry
        }
        for entry in pending {
            finalFailures[entry.id] = (lastReason[entry.id] ?? "not sent") + " after \(rounds) attempts"
        }
        var outcome = Outcome()
        outcome.sentRows = sent.compactMap { rowOf[$0] }.sorted()
        outcome.failures = finalFailures.map { Failure(row: rowOf[$0.key] ?? 0, reason: $0.value) }.sorted { $0.row < $1.row }
        return outcome
    }

    private enum BatchResult: Sendable {
        case success([QueueEntryFailure])
        case failure(String)
    }

    /// One round: every batch sent, at most `concurrency` at a time; results in batch order.
    private func sendRound(_ entries: [QueueEntry]) async -> [([QueueEntry], BatchResult)] {
        let batches = Self.batches(entries)
        var results = [BatchResult?](repeating: nil, count: batches.count)
        let queue = self.queue
        await withTaskGroup(of: (Int, BatchResult).self) { group in
            var next = 0
            func launch() {
                let i = next
                let batch = batches[i]
                next += 1
                group.addTask {
                    do { return (i, .success(try await queue.sendBatch(batch))) } catch {
                        return (i, .failure("SendMessageBatch failed: \(error)"))
                    }
                }
            }
            while next < batches.count && next < concurrency { launch() }
            while let (i, r) = await group.next() {
                results[i] = r
                if next < batches.count { launch() }
            }
        }
        return zip(batches, results).map { ($0, $1 ?? .failure("not sent")) }
    }
}

/// SQS accepts only `#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF` in a body. Our JSON
/// already escapes control characters; the two noncharacters U+FFFE and U+FFFF could still come from a
/// sheet cell, so they are written as JSON escapes — same JSON value, a body SQS takes.
enum SQSBody {
    static func safe(_ body: String) -> String {
        guard body.unicodeScalars.contains(where: { $0.value == 0xFFFE || $0.value == 0xFFFF }) else { return body }
        var out = String.UnicodeScalarView()
        for s in body.unicodeScalars {
            if s.value == 0xFFFE || s.value == 0xFFFF {
                out.append(contentsOf: (s.value == 0xFFFE ? "\\ufffe" : "\\uffff").unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }
}
