import Base
import CurlHTTP
import Testing

@testable import AWS

@Suite struct AWSJSONClientTests {
    @Test func requestIsSignedJSON10ToTheEndpoint() throws {
        let core = Fixtures.core(FakeTransport(responses: []))
        let r = core.makeRequest(operation: "GetItem", body: ["TableName": "t"], date: 1_440_938_160_000, timeoutMs: 5000)
        #expect(r.method == "POST")
        #expect(r.url == "http://127.0.0.1:4566/")
        #expect(r.headers["X-Amz-Target"] == "DynamoDB_20120810.GetItem")
        #expect(r.headers["Content-Type"] == "application/x-amz-json-1.0")
        #expect(r.headers["Host"] == "127.0.0.1:4566")  // non-default port kept
        #expect(r.headers["X-Amz-Date"] == "20150830T123600Z")
        #expect(r.headers["X-Amz-Security-Token"] == Fixtures.credentials.sessionToken)
        let auth = try #require(r.headers["Authorization"])
        #expect(auth.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "))
        #expect(auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"))
        #expect(r.timeoutMs == 5000)
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"TableName":"t"}"#)
    }

    @Test func retries503TwiceThenSucceeds() async throws {
        let transport = FakeTransport(responses: [
            Fixtures.json(503, #"{"__type":"ServiceUnavailable","message":"busy"}"#),
            Fixtures.json(503, ""), Fixtures.json(200, #"{"Item":{"a":{"S":"x"}}}"#),
        ])
        let sleeper = SleepRecorder()
        let quota = RetryQuota()
        let core = Fixtures.core(transport, sleeper: sleeper, random: 0.25, quota: quota)
        let result = try await core.call("GetItem", ["TableName": "t"])
        #expect(result["Item"]?["a"]?["S"]?.stringValue == "x")
        #expect(transport.requests.count == 3)
        #expect(sleeper.recorded == [250, 500])  // 0.25 × 1 s, 0.25 × 2 s
        #expect(quota.available == 495)  // two retries cost 10, the success refunded the last one's 5
    }

    @Test func callerFault400IsNotRetried() async throws {
        let transport = FakeTransport(responses: [
            Fixtures.json(400, #"{"__type":"com.amazon.coral.validate#ValidationException","message":"bad key"}"#)
        ])
        let sleeper = SleepRecorder()
        let error = await #expect(throws: AWSError.self) {
            _ = try await Fixtures.core(transport, sleeper: sleeper).call("PutItem", [:])
        }
        #expect(transport.requests.count == 1)
        #expect(sleeper.recorded.isEmpty)
        #expect(error?.code == "ValidationException")
        #expect(error?.message == "bad key")
        #expect(error?.status == 400)
        #expect(error?.operation == "PutItem")
        #expect(error?.service == "dynamodb")
        #expect(error?.requestId == "req-400")
        #expect(error?.isTransient == false)
    }

    @Test func throttlingAndTimeoutsAreRetriedButStopAtThree() async throws {
        let transport = FakeTransport { _, n in
            if n == 0 { throw HTTPClientError(.timedOut, host: "127.0.0.1:4566", detail: "timeout after 10000 ms") }
            return Fixtures.json(400, #"{"__type":"x#ThrottlingException","Message":"slow down"}"#)
        }
        let quota = RetryQuota()
        let error = await #expect(throws: AWSError.self) {
            _ = try await Fixtures.core(transport, quota: quota).call("Query", [:])
        }
        #expect(transport.requests.count == 3)
        #expect(error?.code == "ThrottlingException")
        #expect(error?.message == "slow down")
        #expect(error?.attempts == 3)
        #expect(quota.available == 500 - 10 - 5)  // the timeout's retry cost 10, the throttle's 5
    }

    @Test func emptyQuotaMeansNoRetry() async {
        let transport = FakeTransport(responses: [Fixtures.json(500, "{}")])
        _ = await #expect(throws: AWSError.self) {
            _ = try await Fixtures.core(transport, quota: RetryQuota(capacity: 4)).call("Query", [:])
        }
        #expect(transport.requests.count == 1)
    }

    @Test func noRetryWaitPastTheDeadline() async {
        let transport = FakeTransport(responses: [Fixtures.json(503, "{}")])
        let sleeper = SleepRecorder()
        _ = await #expect(throws: AWSError.self) {
            _ = try await Fixtures.core(transport, sleeper: sleeper, random: 0.9, remainingMs: 800).call("Query", [:])
        }
        #expect(transport.requests.count == 1)  // a 900 ms wait would end past the deadline
        #expect(sleeper.recorded.isEmpty)
        #expect(transport.requests[0].timeoutMs == 800)  // and the attempt itself was cut to the time left
    }

    @Test func taskDeadlineIsHonoured() async {
        let transport = FakeTransport(responses: [Fixtures.json(503, "{}")])
        let core = Fixtures.core(transport, random: 0.9)
        // FixedClock reads 1_440_938_160_000; 300 ms left.
        await AWSDeadline.withDeadline(1_440_938_160_300) {
            _ = await #expect(throws: AWSError.self) { _ = try await core.call("Query", [:]) }
        }
        #expect(transport.requests.count == 1)
    }

    @Test func crc32MismatchIsRetriedThenAccepted() async throws {
        let body = #"{"Count":1}"#
        let good = String(CRC32.checksum(Array(body.utf8)))
        let transport = FakeTransport(responses: [
            Fixtures.json(200, body, headers: [("x-amz-crc32", "12345")]),
            Fixtures.json(200, body, headers: [("x-amz-crc32", good)]),
        ])
        let result = try await Fixtures.core(transport).call("Query", [:])
        #expect(result["Count"]?.intValue == 1)
        #expect(transport.requests.count == 2)
        #expect(CRC32.checksum(Array("hello".utf8)) == 907_060_870)  // zlib.crc32(b"hello")
    }

    @Test func sqsQueryErrorHeaderGivesTheCode() {
        let response = Fixtures.json(
            400, #"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."}"#,
            headers: [("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")])
        let e = AWSJSONClient.parseError(response, service: "sqs", operation: "SendMessage", redacting: [])
        #expect(e.code == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(e.typeCode == "QueueDoesNotExist")
        #expect(e.message == "The specified queue does not exist.")
        #expect(e.kind == .service)
    }

    @Test func motoXMLAuthErrorIsAnAuthenticationError() async throws {
        let secret = Fixtures.credentials.secretAccessKey
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we \
            calculated does not match the signature you provided. key \(secret)</Message></Error></Errors>\
            <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>
            """
        let transport = FakeTransport(responses: [
            HTTPResponse(status: 403, headers: HTTPHeaders([("Content-Type", "text/html")]), body: Array(xml.utf8))
        ])
        let error = await #expect(throws: AWSError.self) {
            _ = try await Fixtures.core(transport, service: "sqs", prefix: "AmazonSQS").call("ListQueues", [:])
        }
        let e = try #require(error)
        #expect(e.isAuthenticationError)
        #expect(e.code == "SignatureDoesNotMatch")
        #expect(e.requestId == "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE")
        #expect(transport.requests.count == 1)
        let signature = try #require(transport.requests[0].headers["Authorization"]?.split(separator: "=").last)
        for text in [e.description, e.message, String(describing: e)] {
            #expect(!text.contains(secret))
            #expect(!text.contains(Fixtures.credentials.sessionToken!))
            #expect(!text.contains(String(signature)))
        }
    }

    @Test func credentialsDescriptionHidesSecrets() {
        let text = String(describing: Fixtures.credentials)
        #expect(!text.contains(Fixtures.credentials.secretAccessKey))
        #expect(!text.contains(Fixtures.credentials.sessionToken!))
        #expect(text.contains("AKIDEXAMPLE"))
    }
}
