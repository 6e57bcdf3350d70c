import Base
import Testing
@testable import ReaderCore

@Suite struct RunInfoTests {
    let invokedAt = UTCTime.parseISO8601("2026-11-25T20:00:01.234Z")!

    @Test func scheduledEventGivesIdAndTime() throws {
        let event = #"{"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-11-25T20:00:00Z","region":"us-east-1","resources":["arn:aws:events:us-east-1:123456789012:rule/hourly"],"detail":{}}"#
        let run = try RunInfo.from(event: Array(event.utf8), requestID: "req-1", invokedAt: invokedAt)
        #expect(run == RunInfo(id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", time: UTCTime.parseISO8601("2026-11-25T20:00:00Z")!))
        #expect(run.json.serialized == #"{"id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","time":"2026-11-25T20:00:00Z"}"#)
    }

    @Test(arguments: ["{}", "", "  \n", #"{"hello":"world"}"#, #"{"id":"","time":"soon"}"#, #"{"id":42,"time":7}"#])
    func anyOtherObjectUsesTheInvocation(_ event: String) throws {
        let run = try RunInfo.from(event: Array(event.utf8), requestID: "req-1", invokedAt: invokedAt)
        #expect(run.id == "req-1")
        #expect(run.time == invokedAt)
        #expect(run.timeText == "2026-11-25T20:00:01.234Z")
    }

    @Test(arguments: ["[1]", "\"tick\"", "42", "{not json"])
    func nonObjectsAreRejected(_ event: String) {
        do {
            _ = try RunInfo.from(event: Array(event.utf8), requestID: "r", invokedAt: invokedAt)
            Issue.record("accepted \(event)")
        } catch {
            #expect(error.code == .invalidEvent)
            #expect(error.errorType == "InvalidEvent")
        }
    }
}
