import AWS

/// Where the reader puts its messages. `SQSSignalQueue` is the real one; tests substitute a fake.
public protocol SignalQueue: Sendable {
    /// Sends every body and says, per body (same order), whether it is on the queue and if not, why.
    /// Never throws: an unsent message is a result, so no failure can go unreported.
    func enqueue(_ bodies: [String]) async -> [EnqueueResult]
}

public enum EnqueueResult: Sendable, Equatable {
    case sent
    case failed(reason: String)
}

/// The SQS queue, through `SendMessageBatch` (≤ 10 entries and ≤ 256 KiB a call, several calls in flight,
/// `Failed` entries sent again with backoff: `SQSClient.sendMessageBatch`).
public struct SQSSignalQueue: SignalQueue {
    public let client: SQSClient
    public let queueURL: String
    /// Calls in flight at once: a 1,000-signal sheet is 100 calls.
    public let maxConcurrency: Int

    public init(client: SQSClient, queueURL: String, maxConcurrency: Int = 8) {
        self.client = client
        self.queueURL = queueURL
        self.maxConcurrency = maxConcurrency
    }

    public func enqueue(_ bodies: [String]) async -> [EnqueueResult] {
        let messages = bodies.map { SQSOutgoingMessage(body: SQSBody.safe($0)) }
        let report = await client.sendMessageBatch(queueURL: queueURL, messages, maxConcurrency: maxConcurrency)
        return report.outcomes.map { outcome in
            switch outcome {
            case .sent: return .sent
            // Code and message only (no request id), so one cause shared by many batches reads as one reason.
            case .failed(let f): return .failed(reason: "SQS \(f.code): \(f.message)")
            }
        }
    }
}

/// SQS accepts only `#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF` in a body. Our JSON
/// already escapes control characters; the noncharacters U+FFFE and U+FFFF could still come from a sheet
/// cell, so they are written as JSON escapes: the same JSON value, in a body SQS takes.
enum SQSBody {
    static func safe(_ body: String) -> String {
        guard body.unicodeScalars.contains(where: { $0.value == 0xFFFE || $0.value == 0xFFFF }) else { return body }
        var out = String.UnicodeScalarView()
        for s in body.unicodeScalars {
            switch s.value {
            case 0xFFFE: out.append(contentsOf: "\\ufffe".unicodeScalars)
            case 0xFFFF: out.append(contentsOf: "\\uffff".unicodeScalars)
            default: out.append(s)
            }
        }
        return String(out)
    }
}
