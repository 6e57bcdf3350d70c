import Base
import CurlHTTP
import Testing

@testable import AWS

@Suite struct SQSClientTests {
    static let queueURL = "https://sqs.us-east-1.amazonaws.com/123456789012/signals"

    /// Answers every SendMessageBatch entry as sent, except those `fail` picks.
    static func batchServer(
        fail: @escaping @Sendable (_ id: String, _ callNumber: Int) -> String? = { _, _ in nil }
    ) -> FakeTransport {
        FakeTransport { request, n in
            let body = try JSONValue.parse(request.body)
            var ok: [String] = []
            var failed: [String] = []
            for e in body["Entries"]?.arrayValue ?? [] {
                let id = e["Id"]!.stringValue!
                if let f = fail(id, n) { failed.append(#"{"Id":"\#(id)",\#(f)}"#) } else {
                    ok.append(#"{"Id":"\#(id)","MessageId":"m-\#(id)","MD5OfMessageBody":"x"}"#)
                }
            }
            return Fixtures.json(200, #"{"Successful":[\#(ok.joined(separator: ","))],"Failed":[\#(failed.joined(separator: ","))]}"#)
        }
    }

    @Test func twentyFiveMessagesGoInThreeCallsToTheEndpoint() async throws {
        let transport = Self.batchServer()
        let sqs = SQSClient(core: Fixtures.core(transport, service: "sqs", prefix: "AmazonSQS"))
        let messages = (0..<25).map { SQSOutgoingMessage(body: #"{"n":\#($0)}"#, attributes: ["kind": .string("signal")]) }
        let report = await sqs.sendMessageBatch(queueURL: Self.queueURL, messages)
        #expect(report.allSent)
        #expect(report.calls == 3)
        for (i, o) in report.outcomes.enumerated() {
            guard case .sent(let id) = o else { Issue.record("message \(i) not sent"); continue }
            #expect(id == "m-\(i)")
        }
        let sizes = try transport.requests.map { try JSONValue.parse($0.body)["Entries"]!.arrayValue!.count }
        #expect(sizes.sorted() == [5, 10, 10])
        for r in transport.requests {
            #expect(r.url == "http://127.0.0.1:4566/")  // the endpoint, never the queue URL's host
            #expect(r.headers["X-Amz-Target"] == "AmazonSQS.SendMessageBatch")
            #expect(try JSONValue.parse(r.body)["QueueUrl"]?.stringValue == Self.queueURL)
        }
    }

    @Test func callsStayUnder256KiB() {
        let sizes = [100_000, 100_000, 100_000, 262_144, 1, 1]
        #expect(SQSClient.planBatches(Array(sizes.indices), sizes: sizes) == [[0, 1], [2], [3], [4, 5]])
        let small = [Int](repeating: 10, count: 23)
        #expect(SQSClient.planBatches(Array(small.indices), sizes: small).map(\.count) == [10, 10, 3])
    }

    @Test func tooLargeMessageFailsAloneWithoutACall() async {
        let transport = Self.batchServer()
        let sqs = SQSClient(core: Fixtures.core(transport, service: "sqs", prefix: "AmazonSQS"))
        let report = await sqs.sendMessageBatch(
            queueURL: Self.queueURL,
            [SQSOutgoingMessage(body: "ok"), SQSOutgoingMessage(body: String(repeating: "x", count: 262_145))])
        #expect(report.sentCount == 1)
        #expect(report.failures.map(\.index) == [1])
        #expect(report.failures.first?.failure.code == "MessageTooLong")
        #expect(transport.requests.count == 1)
    }

    @Test func retryableFailedEntriesAreResentOthersAreNot() async throws {
        // Entry 1: server fault once (SenderFault as the string "false"), then fine.
        // Entry 2: sender fault as the string "true" (moto's form): permanent.
        // Entry 3: sender fault as a boolean: permanent.
        let transport = Self.batchServer { id, call in
            switch (id, call) {
            case ("1", 0): return #""SenderFault":"false","Code":"InternalError","Message":"try again""#
            case ("2", _): return #""SenderFault":"true","Code":"InvalidParameterValue","Message":"DelaySeconds must be &gt;= 0""#
            case ("3", _): return #""SenderFault":true,"Code":"InvalidParameterValue","Message":"bad""#
            default: return nil
            }
        }
        let sleeper = SleepRecorder()
        let sqs = SQSClient(core: Fixtures.core(transport, service: "sqs", prefix: "AmazonSQS", sleeper: sleeper))
        let report = await sqs.sendMessageBatch(queueURL: Self.queueURL, (0..<4).map { SQSOutgoingMessage(body: "b\($0)") })
        #expect(report.failures.map(\.index) == [2, 3])
        #expect(report.failures[0].failure.senderFault)
        #expect(report.failures[0].failure.message == "DelaySeconds must be >= 0")
        #expect(report.calls == 2)
        let resent = try JSONValue.parse(transport.requests[1].body)["Entries"]!.arrayValue!
        #expect(resent.map { $0["Id"]!.stringValue! } == ["1"])
        #expect(sleeper.recorded.count == 1)
    }

    @Test func persistentServerFaultGivesUpAfterThreeRounds() async {
        let transport = Self.batchServer { _, _ in #""SenderFault":false,"Code":"InternalError","Message":"x""# }
        let sqs = SQSClient(core: Fixtures.core(transport, service: "sqs", prefix: "AmazonSQS"))
        let report = await sqs.sendMessageBatch(queueURL: Self.queueURL, [SQSOutgoingMessage(body: "a")])
        #expect(report.calls == 3)
        #expect(report.failures.first?.failure.code == "InternalError")
    }

    @Test func wholeCallFailureMarksEveryEntry() async {
        let transport = FakeTransport(responses: [
            Fixtures.json(
                400, #"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}"#,
                headers: [("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")])
        ])
        let sqs = SQSClient(core: Fixtures.core(transport, service: "sqs", prefix: "AmazonSQS"))
        let report = await sqs.sendMessageBatch(queueURL: Self.queueURL, (0..<12).map { SQSOutgoingMessage(body: "\($0)") })
        #expect(report.failures.count == 12)
        #expect(report.failures.allSatisfy { $0.failure.code == "AWS.SimpleQueueService.NonExistentQueue" && $0.failure.senderFault })
    }

    @Test func receiveParsesAttributesAndExtendsTheTimeoutForLongPolls() async throws {
        let transport = FakeTransport(responses: [
            Fixtures.json(200, """
                {"Messages": [{"MessageId": "id1", "ReceiptHandle": "rh1", "MD5OfBody": "x", "Body": "hello",
                  "Attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1795634005244"},
                  "MessageAttributes": {"kind": {"StringValue": "x", "DataType": "String"}}}]}
                """),
            Fixtures.json(200, "{}"),
        ])
        let sqs = SQSClient(core: Fixtures.core(transport, service: "sqs", prefix: "AmazonSQS"))
        let messages = try await sqs.receiveMessage(queueURL: Self.queueURL, waitTimeSeconds: 20, visibilityTimeout: 30)
        #expect(messages.count == 1)
        #expect(messages[0].approximateReceiveCount == 2)
        #expect(messages[0].messageAttributes["kind"] == .string("x"))
        #expect(transport.requests[0].timeoutMs == 30_000)
        let sent = try JSONValue.parse(transport.requests[0].body)
        #expect(sent["WaitTimeSeconds"]?.intValue == 20)
        #expect(sent["VisibilityTimeout"]?.intValue == 30)
        #expect(try await sqs.receiveMessage(queueURL: Self.queueURL).isEmpty)
    }
}
