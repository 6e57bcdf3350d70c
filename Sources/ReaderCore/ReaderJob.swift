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
