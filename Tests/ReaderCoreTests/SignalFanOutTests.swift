import Base
import Testing
@testable import ReaderCore

@Suite struct SignalFanOutTests {
    func messages(_ n: Int, bodyBytes: Int = 20) -> [SignalFanOut.Message] {
        (0..<n).map { SignalFanOut.Message(row: $0 + 2, body: "{\"n\":\"" + String(repeating: "x", count: max(0, bodyBytes - 8)) + "\"}") }
    }

    @Test func batchesHoldAtMostTenEntries() {
        let entries = (0..<25).map { QueueEntry(id: "e\($0)", body: "{}") }
        #expect(SignalFanOut.batches(entries).map(\.count) == [10, 10, 5])
    }

    @Test func batchesHoldAtMost256KiB() {
        let big = String(repeating: "a", count: 100_000)
        let entries = (0..<5).map { QueueEntry(id: "e\($0)", body: big) }
        let batches = SignalFanOut.batches(entries)
        #expect(batches.map(\.count) == [2, 2, 1])
        #expect(batches.allSatisfy { $0.reduce(0) { $0 + $1.body.utf8.count } <= 262_144 })
    }

    @Test func everythingSentOnceWithBatchesInFlightTogether() async {
        let queue = FakeQueue()
        let outcome = await instantFanOut(queue, concurrency: 4).send(messages(95))
        #expect(outcome.failures.isEmpty)
        #expect(outcome.sentRows == Array(2...96))
        #expect(queue.accepted.count == 95)
        #expect(Set(queue.accepted.map(\.id)).count == 95)
        #expect(queue.batches.count == 10)
        #expect(queue.maxInFlight <= 4)
    }

    @Test func failedEntriesAreSentAgain() async {
        // Row 5's entry fails (server side) on the first two calls that carry it, then goes through.
        let queue = FakeQueue(fail: { e, call in
            e.id == "row-5" && call < 3 ? QueueEntryFailure(id: e.id, code: "InternalError", message: "try again", senderFault: false) : nil
        })
        let outcome = await instantFanOut(queue).send(messages(12))
        #expect(outcome.failures.isEmpty)
        #expect(outcome.sentRows.count == 12)
        #expect(queue.accepted.filter { $0.id == "row-5" }.count == 1)
    }

    @Test func persistentFailuresAreReportedNotDropped() async {
        let queue = FakeQueue(fail: { e, _ in
            switch e.id {
            case "row-3": return QueueEntryFailure(id: e.id, code: "InternalError", message: "busy", senderFault: false)
            case "row-4": return QueueEntryFailure(id: e.id, code: "InvalidMessageContents", message: "bad char", senderFault: true)
            default: return nil
            }
        })
        let outcome = await instantFanOut(queue, rounds: 3).send(messages(5))
        #expect(outcome.sentRows == [2, 5, 6])
        #expect(outcome.failures.map(\.row) == [3, 4])
        #expect(outcome.failures[0].reason.contains("InternalError") && outcome.failures[0].reason.contains("after 3 attempts"))
        #expect(outcome.failures[1].reason.contains("InvalidMessageContents"))
        #expect(queue.batches.filter { $0.contains { $0.id == "row-4" } }.count == 1, "a sender fault is not re-sent")
        #expect(queue.batches.filter { $0.contains { $0.id == "row-3" } }.count == 3)
    }

    @Test func aFailedCallFailsItsBatchOnly() async {
        let queue = FakeQueue(throwing: { batch in batch.contains { $0.id == "row-2" } ? Boom() : nil })
        let outcome = await instantFanOut(queue).send(messages(15))
        #expect(outcome.failures.map(\.row) == Array(2...11))
        #expect(outcome.failures[0].reason.contains("AccessDenied"))
        #expect(outcome.sentRows == Array(12...16))
    }

    @Test func anOversizedMessageFailsAlone() async {
        let queue = FakeQueue()
        var ms = messages(2)
        ms.append(SignalFanOut.Message(row: 9, body: String(repeating: "z", count: 300_000)))
        let outcome = await instantFanOut(queue).send(ms)
        #expect(outcome.sentRows == [2, 3])
        #expect(outcome.failures.map(\.row) == [9])
        #expect(outcome.failures[0].reason.contains("256 KiB"))
    }

    @Test func noncharactersAreEscapedForSQS() throws {
        let body = JSONValue.object(JSONObject([("note", .string("a\u{FFFF}b\u{FFFE}"))])).serialized
        let safe = SQSBody.safe(body)
        #expect(!safe.unicodeScalars.contains { $0.value >= 0xFFFE && $0.value <= 0xFFFF })
        #expect(try JSONValue.parse(safe) == JSONValue.parse(body))
        #expect(SQSBody.safe("{\"a\":\"é😀\"}") == "{\"a\":\"é😀\"}")
    }
}
