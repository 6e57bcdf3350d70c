import AWS
import Base
import CurlHTTP
import Google
import LambdaRuntime
import Logs
import SignalDomain

/// The reader Lambda (SPEC §2, §4): for each invocation, read the sheet, enqueue the valid signals, answer
/// with the summary. Logs one line per rejected row and one EMF record (`RowsRead`, `RowsRejected`,
/// `SignalsEnqueued`); fails the invocation when the sheet cannot be read or a signal could not be enqueued.
public struct ReaderHandler: LambdaHandler {
    /// Time kept back from the Lambda deadline for logging and answering after the last retry.
    static let deadlineReserveMs: Int64 = 2_000

    let job: ReaderJob
    let metrics: Metrics
    let clock: any WallClock

    public init(job: ReaderJob, metrics: Metrics, clock: any WallClock = SystemClock()) {
        self.job = job
        self.metrics = metrics
        self.clock = clock
    }

    /// Wires the real clients from the configuration. Nothing here talks to the network: the token is
    /// fetched by the first invocation and cached for the ones after it.
    public init(setup: LambdaSetup) throws(ConfigurationError) {
        let configuration = try ReaderConfiguration(environment: setup.environment.values)
        let http = HTTPClient(configuration: HTTPClient.Configuration(environment: setup.environment))
        let tokens = GoogleTokenProvider(key: configuration.serviceAccount, transport: http)
        let sheets = SheetsClient(baseURL: configuration.sheetsAPIURL, transport: http, tokens: tokens)
        let sqs = SQSClient(configuration: configuration.aws, transport: http)
        let job = ReaderJob(
            spreadsheetID: configuration.spreadsheetID,
            sheet: GoogleSheetSource(client: sheets, spreadsheetID: configuration.spreadsheetID, range: configuration.range),
            queue: SQSSignalQueue(client: sqs, queueURL: configuration.queueURL))
        self.init(job: job, metrics: Metrics(logger: setup.logger, function: setup.functionName))
    }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let log = context.logger
        let run = try RunInfo.from(event: event, requestID: context.requestId, invokedAt: clock.nowMillis())
        let deadline = context.deadlineMs - Self.deadlineReserveMs
        log.info("reading the sheet", ["run": run.json, "spreadsheet": .string(job.spreadsheetID)])

        let outcome: ReaderOutcome
        do {
            outcome = try await AWSDeadline.withDeadline(deadline) { try await job.run(run, deadline: deadline) }
        } catch let error as ReaderError {
            log.error("the sheet could not be read", ["errorType": .string(error.errorType), "error": .string(error.message)])
            throw error
        }

        for r in outcome.rejected {
            log.warn("row rejected", ["row": .int(r.row), "column": .string(r.column.rawValue), "value": .string(r.value), "reason": .string(r.reason)])
        }
        for f in outcome.failures {
            log.error("signal not enqueued", ["row": .int(f.row), "reason": .string(f.reason)])
        }
        metrics.with(logger: log).emit([
            ("RowsRead", outcome.rowsRead), ("RowsRejected", outcome.parsed.rejected.count), ("SignalsEnqueued", outcome.enqueued),
        ])
        log.info("run finished", [
            "run": run.json, "rows": .int(outcome.rowsRead), "enqueued": .int(outcome.enqueued),
            "skipped": .int(outcome.parsed.skipped.count), "rejected": .int(outcome.parsed.rejected.count),
            "failed": .int(outcome.failures.count),
        ])
        if let error = outcome.enqueueError { throw error }
        return outcome.summary.serializedBytes
    }
}
