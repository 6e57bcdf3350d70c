import Base
import Google
import LambdaRuntime
import Logs
import Testing
@testable import ReaderCore

@Suite struct ReaderHandlerTests {
    static let now = ReaderJobTests.now

    func handler(_ queue: FakeQueue, sheet: FakeSheet = FakeSheet(ReaderJobTests.sheet), capture: LogCapture) -> (ReaderHandler, LambdaContext) {
        let clock = FixedClock(Self.now)
        let logger = Logger(output: capture, clock: clock)
        let job = ReaderJob(spreadsheetID: "sheet-1", sheet: sheet, queue: queue, clock: clock)
        let handler = ReaderHandler(job: job, metrics: Metrics(logger: logger, function: "reader"), clock: clock)
        let context = LambdaContext(
            requestId: "req-7", deadlineMs: Self.now + 60_000, invokedFunctionArn: "arn:aws:lambda:us-east-1:1:function:reader",
            logger: logger, clock: clock)
        return (handler, context)
    }

    let scheduled = Array(#"{"id":"evt-9","detail-type":"Scheduled Event","source":"aws.events","time":"2026-11-25T20:00:00Z"}"#.utf8)

    @Test func answersWithTheSummaryAndLogsRejectionsAndMetrics() async throws {
        let capture = LogCapture()
        let (handler, context) = handler(FakeQueue(), capture: capture)
        let response = try JSONValue.parse(try await handler.handle(scheduled, context: context))
        #expect(response["run"]?.serialized == #"{"id":"evt-9","time":"2026-11-25T20:00:00Z"}"#)
        #expect(response["rows"] == 6 && response["enqueued"] == 2)

        let records = try capture.records()
        let rejected = records.filter { $0["message"] == "row rejected" }
        #expect(rejected.map { $0["row"] } == [6, 8])
        #expect(rejected.allSatisfy { $0["level"] == "WARN" && $0["requestId"] == "req-7" && $0["column"] != nil && $0["reason"] != nil })
        #expect(rejected[0]["value"] == "abc")

        let emf = try #require(records.first { $0["_aws"] != nil })
        #expect(emf["_aws"]?["CloudWatchMetrics"]?[0]?["Namespace"] == "TradingAlerts")
        #expect(emf["RowsRead"] == 6 && emf["RowsRejected"] == 2 && emf["SignalsEnqueued"] == 2)
    }

    @Test func anIncompleteEnqueueIsAnErrorAfterLoggingEverything() async throws {
        let capture = LogCapture()
        let queue = FakeQueue(fail: { _ in "SQS: AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist." })
        let (handler, context) = handler(queue, capture: capture)
        do {
            _ = try await handler.handle(scheduled, context: context)
            Issue.record("a run that enqueued nothing succeeded")
        } catch let error as ReaderError {
            #expect(error.code == .enqueueFailed)
            #expect(error.message.hasPrefix("2 of 2 valid signals could not be put on the SQS queue (rows 2, 3: SQS: AWS.SimpleQueueService.NonExistentQueue"))
            #expect(ErrorReport(error, category: .function).headerValue == "Function.EnqueueFailed")
        }
        let records = try capture.records()
        #expect(records.filter { $0["message"] == "signal not enqueued" }.map { $0["row"] } == [2, 3])
        let emf = try #require(records.first { $0["_aws"] != nil })
        #expect(emf["SignalsEnqueued"] == 0)
    }

    @Test func aSheetErrorIsReportedWithItsType() async throws {
        let capture = LogCapture()
        let google = GoogleError(.spreadsheetNotFound, "Google Sheets has no spreadsheet with id x (HTTP 404): check GOOGLE_SHEETS_SPREADSHEET_ID", status: 404)
        let (handler, context) = handler(FakeQueue(), sheet: FakeSheet(error: google), capture: capture)
        do {
            _ = try await handler.handle(scheduled, context: context)
            Issue.record("no error")
        } catch {
            let report = ErrorReport(error, category: .function)
            #expect(report.headerValue == "Function.SpreadsheetNotFound")
            #expect(report.errorMessage.contains("GOOGLE_SHEETS_SPREADSHEET_ID"))
        }
        #expect(try capture.records().contains { $0["level"] == "ERROR" && $0["errorType"] == "SpreadsheetNotFound" })
    }

    @Test func aNonObjectEventFails() async {
        let (handler, context) = handler(FakeQueue(), capture: LogCapture())
        await #expect(throws: ReaderError.self) { _ = try await handler.handle(Array("[]".utf8), context: context) }
    }
}
