import Base
import Google
import SignalDomain

/// One run of the reader, without the Lambda around it: read the sheet, parse every row, put one message
/// per valid signal on the queue. Logging and metrics are the handler's; this returns everything they need.
public struct ReaderJob: Sendable {
    public let spreadsheetID: String
    let sheet: any SheetSource
    let queue: any SignalQueue
    let clock: any WallClock

    public init(spreadsheetID: String, sheet: any SheetSource, queue: any SignalQueue, clock: any WallClock = SystemClock()) {
        self.spreadsheetID = spreadsheetID
        self.sheet = sheet
        self.queue = queue
        self.clock = clock
    }

    /// Throws only when the sheet cannot be read; an incomplete fan-out is reported in the outcome
    /// (`isComplete == false`) so the handler can log it all before failing the invocation.
    /// `deadline` bounds the Google calls; the AWS calls honour `AWSDeadline` set by the caller.
    public func run(_ run: RunInfo, deadline: EpochMillis?) async throws(ReaderError) -> ReaderOutcome {
        let parsed = try await readAndParse(deadline: deadline)
        let messageRun = SignalMessage.Run(id: run.id, time: run.time)
        var failures: [EnqueueFailure] = []
        // Bodies are built and sent a slice at a time, so a large sheet never holds every body at once.
        var start = 0
        while start < parsed.signals.count {
            let slice = parsed.signals[start..<min(start + Self.sliceSize, parsed.signals.count)]
            start = slice.endIndex
            let bodies = slice.map { s in
                SignalMessage(run: messageRun, sheet: .init(id: spreadsheetID, row: s.row), signal: s.signal).body
            }
            let results = await queue.enqueue(bodies)
            for (s, result) in zip(slice, results) {
                if case .failed(let reason) = result { failures.append(EnqueueFailure(row: s.row, reason: reason)) }
            }
            // A queue that answered for fewer messages than it was given lost the rest: never count them as sent.
            for s in slice.dropFirst(results.count) {
                failures.append(EnqueueFailure(row: s.row, reason: "no result from the queue"))
            }
        }
        return ReaderOutcome(run: run, parsed: parsed, failures: failures)
    }

    /// Messages per `enqueue` call: 50 `SendMessageBatch` calls, enough to keep every connection busy.
    static let sliceSize = 500

    /// The sheet's cells live only inside this call: after parsing, only the signals are kept.
    private func readAndParse(deadline: EpochMillis?) async throws(ReaderError) -> SheetParseResult {
        let values: SheetValues
        do { values = try await sheet.read(deadline: deadline) } catch { throw ReaderError.sheet(error) }
        // Expiry is judged at the moment of reading, not at the schedule's nominal time.
        return SheetParser.parse(
            values: values.rows, now: clock.nowMillis(), firstRow: SheetParser.firstRow(ofRange: values.range ?? "A1"))
    }
}

/// What a run did, and the response JSON of SPEC §2.
public struct ReaderOutcome: Sendable {
    public let run: RunInfo
    public let parsed: SheetParseResult
    /// Valid signals that are not on the queue, in row order.
    public let failures: [EnqueueFailure]

    public var rowsRead: Int { parsed.rowsRead }
    public var enqueued: Int { parsed.signals.count - failures.count }
    public var isComplete: Bool { failures.isEmpty }

    /// Rejections as reported: a value in the user column that looks like a Pushover key is shortened,
    /// so a mistyped key does not end up whole in logs and results.
    public var rejected: [RowRejection] {
        parsed.rejected.map { r in
            guard r.column == .user, ReaderOutcome.looksLikeKey(r.value) else { return r }
            return RowRejection(row: r.row, column: r.column, value: String(r.value.prefix(4)) + "…", reason: r.reason)
        }
    }

    static func looksLikeKey(_ s: String) -> Bool {
        s.count >= 16 && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// `{"run":{"id","time"},"rows":N,"enqueued":N,"skipped":[{"row","reason"}],"rejected":[{"row","column","value","reason"}]}`
    public var summary: JSONValue {
        .object(JSONObject([
            ("run", run.json),
            ("rows", .int(rowsRead)),
            ("enqueued", .int(enqueued)),
            ("skipped", parsed.skippedJSON),
            ("rejected", .array(rejected.map(\.json))),
        ]))
    }

    /// The error for an incomplete fan-out: how many signals are missing, which rows, and why.
    public var enqueueError: ReaderError? {
        guard !failures.isEmpty else { return nil }
        let total = parsed.signals.count
        let failed = failures
        var reasons: [String: [Int]] = [:]
        for f in failed { reasons[f.reason, default: []].append(f.row) }
        let detail = reasons.sorted { $0.value.first ?? 0 < $1.value.first ?? 0 }.prefix(3).map { reason, rows in
            let shown = rows.prefix(10).map(String.init).joined(separator: ", ") + (rows.count > 10 ? ", …" : "")
            return "row\(rows.count == 1 ? "" : "s") \(shown): \(reason)"
        }.joined(separator: "; ")
        return ReaderError(
            .enqueueFailed,
            "\(failed.count) of \(total) valid signals could not be put on the SQS queue (\(detail)); "
                + "\(enqueued) were enqueued. Those signals are not checked this hour; the next run sends them again")
    }
}

public struct EnqueueFailure: Sendable, Equatable {
    public let row: Int
    public let reason: String
}
