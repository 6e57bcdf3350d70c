import Base
import CurlHTTP
import Testing

@testable import AWS

/// SQS and DynamoDB clients against moto_server with SigV4 verification switched on (an IAM user and key made
/// at start; see scripts/devstack/moto.py). moto is started by the tests themselves unless a harness passes one in.
@Suite struct MotoIntegrationTests {
    static let http = HTTPClient()

    static func configuration(secret: String? = nil, accessKeyId: String? = nil) async throws -> AWSConfiguration {
        let moto = try await Moto.shared.info()
        return try AWSConfiguration(environment: [
            "AWS_ACCESS_KEY_ID": accessKeyId ?? moto.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": secret ?? moto.secretAccessKey,
            "AWS_REGION": moto.region, "AWS_ENDPOINT_URL": moto.endpoint,
        ])
    }

    static func unique(_ prefix: String) -> String { "\(prefix)-\(UInt64.random(in: 0..<UInt64.max))" }

    @Test func batchOf25IsSentAndReadBack() async throws {
        let sqs = SQSClient(configuration: try await Self.configuration(), transport: Self.http)
        let queueURL = try await sqs.createQueue(name: Self.unique("signals"), attributes: ["VisibilityTimeout": "30"])
        let messages = (0..<25).map {
            SQSOutgoingMessage(body: #"{"version":1,"n":\#($0)}"#, attributes: ["kind": .string("signal")])
        }
        let report = await sqs.sendMessageBatch(queueURL: queueURL, messages)
        #expect(report.allSent, "failures: \(report.failures)")
        #expect(report.calls == 3)

        var bodies: Set<String> = []
        for _ in 0..<20 where bodies.count < 25 {
            let received = try await sqs.receiveMessage(
                queueURL: queueURL, maxMessages: 10, waitTimeSeconds: 1, visibilityTimeout: 30)
            for m in received {
                bodies.insert(m.body)
                #expect(m.approximateReceiveCount == 1)
                #expect(m.messageAttributes["kind"] == .string("signal"))
                try await sqs.deleteMessage(queueURL: queueURL, receiptHandle: m.receiptHandle)
            }
        }
        #expect(bodies == Set(messages.map(\.body)))
        let attributes = try await sqs.getQueueAttributes(queueURL: queueURL)
        #expect(attributes["ApproximateNumberOfMessages"] == "0")
    }

    @Test func queueRequestsGoToTheEndpointWhateverTheQueueURLHost() async throws {
        let sqs = SQSClient(configuration: try await Self.configuration(), transport: Self.http)
        let name = Self.unique("elsewhere")
        _ = try await sqs.createQueue(name: name)
        // A real-AWS-looking URL: the request still goes to moto (the endpoint); only the path names the queue.
        let id = try await sqs.sendMessage(
            queueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/\(name)", SQSOutgoingMessage(body: "hi"))
        #expect(!id.isEmpty)
    }

    @Test func missingQueueIsATypedServiceError() async throws {
        let sqs = SQSClient(configuration: try await Self.configuration(), transport: Self.http)
        let error = await #expect(throws: AWSError.self) {
            try await sqs.sendMessage(queueURL: "http://127.0.0.1:1/123456789012/\(Self.unique("nope"))", SQSOutgoingMessage(body: "x"))
        }
        #expect(error?.code == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(error?.typeCode == "QueueDoesNotExist")
        #expect(error?.isTransient == false)
    }

    @Test func dynamoDBConditionsUpdatesQueriesAndTransactions() async throws {
        let ddb = DynamoDBClient(configuration: try await Self.configuration(), transport: Self.http)
        let table = Self.unique("state")
        try await ddb.createTable(name: table, partitionKey: ("PK", .string), sortKey: ("SK", .string))

        // Conditional put: first succeeds, second fails with the typed error and the old item.
        let item: DynamoDBItem = ["PK": "SIGNAL#1", "SK": "STATE", "level": .n("65000.50"), "note": .s("")]
        try await ddb.putItem(table: table, item: item, condition: "attribute_not_exists(PK)")
        do {
            try await ddb.putItem(
                table: table, item: item, condition: "attribute_not_exists(PK)", returnOldItemOnConditionFailure: true)
            Issue.record("second conditional put succeeded")
        } catch let e as ConditionalCheckFailed {
            #expect(e.item?["level"] == .n("65000.50"))
        }
        let read = try await ddb.getItem(table: table, key: ["PK": "SIGNAL#1", "SK": "STATE"], consistentRead: true)
        #expect(read?["level"]?.numberText == "65000.50")

        // Update with ADD on a reserved word, through a name placeholder.
        let key: DynamoDBItem = ["PK": "SIGNAL#1", "SK": "COUNTER"]
        for expected in ["1", "2"] {
            let new = try await ddb.updateItem(
                table: table, key: key, update: "ADD #c :one SET #u = :now", condition: "attribute_not_exists(#c) OR #c < :max",
                names: ["#c": "count", "#u": "updatedAt"], values: [":one": 1, ":max": 2, ":now": "2026-11-25T20:00:00Z"],
                returnValues: .updatedNew)
            #expect(new?["count"] == .n(expected))
        }
        await #expect(throws: ConditionalCheckFailed.self) {
            try await ddb.updateItem(
                table: table, key: key, update: "ADD #c :one", condition: "#c < :max", names: ["#c": "count"],
                values: [":one": 1, ":max": 2])
        }

        // Query with paging: 5 events, pages of 2.
        for i in 1...5 {
            try await ddb.putItem(table: table, item: ["PK": "SIGNAL#2", "SK": .s("EVENT#000\(i)"), "i": .int(i)])
        }
        let first = try await ddb.query(
            .init(table: table, keyCondition: "PK = :pk AND begins_with(SK, :e)", values: [":pk": "SIGNAL#2", ":e": "EVENT#"], limit: 2))
        #expect(first.items.count == 2)
        #expect(first.lastEvaluatedKey != nil)
        let all = try await ddb.queryAll(
            .init(table: table, keyCondition: "PK = :pk AND begins_with(SK, :e)", values: [":pk": "SIGNAL#2", ":e": "EVENT#"],
                  limit: 2, scanIndexForward: false))
        #expect(all.compactMap { $0["i"]?.int64Value } == [5, 4, 3, 2, 1])

        // Batch get across the items written above.
        let batch = try await ddb.batchGetItem([table: (1...5).map { ["PK": "SIGNAL#2", "SK": .s("EVENT#000\($0)")] }])
        #expect(batch.items[table]?.count == 5)
        #expect(batch.unprocessedKeys.isEmpty)

        // A cancelled transaction: reasons in order, nothing written.
        do {
            try await ddb.transactWriteItems([
                .put(table: table, item: ["PK": "SIGNAL#3", "SK": "STATE"], condition: "attribute_not_exists(PK)"),
                .put(table: table, item: ["PK": "SIGNAL#1", "SK": "STATE"], condition: "attribute_not_exists(PK)"),
            ])
            Issue.record("transaction succeeded")
        } catch let e as TransactionCanceled {
            #expect(e.reasons.map(\.code) == ["None", "ConditionalCheckFailed"])
            #expect(e.failedConditionIndexes == [1])
        }
        #expect(try await ddb.getItem(table: table, key: ["PK": "SIGNAL#3", "SK": "STATE"], consistentRead: true) == nil)

        // And one that goes through.
        try await ddb.transactWriteItems([
            .put(table: table, item: ["PK": "SIGNAL#3", "SK": "STATE"], condition: "attribute_not_exists(PK)"),
            .update(table: table, key: ["PK": "SIGNAL#1", "SK": "COUNTER"], update: "SET #s = :s", names: ["#s": "status"],
                    values: [":s": "sent"]),
        ])
        #expect(try await ddb.getItem(table: table, key: ["PK": "SIGNAL#1", "SK": "COUNTER"])?["status"] == .s("sent"))
    }

    @Test func sessionTokenIsSignedAndChecked() async throws {
        let moto = try await Moto.shared.info()
        let session = try #require(moto.session, "a harness-provided moto must also pass MOTO_SESSION_* credentials")
        var env = [
            "AWS_ACCESS_KEY_ID": session.accessKeyId, "AWS_SECRET_ACCESS_KEY": session.secretAccessKey,
            "AWS_SESSION_TOKEN": session.sessionToken!, "AWS_REGION": moto.region, "AWS_ENDPOINT_URL": moto.endpoint,
        ]
        let sqs = SQSClient(configuration: try AWSConfiguration(environment: env), transport: Self.http)
        let url = try await sqs.createQueue(name: Self.unique("temp"))
        #expect(url.contains("/123456789012/"))

        env["AWS_SESSION_TOKEN"] = "wrong" + session.sessionToken!.dropFirst(5)
        let wrong = SQSClient(configuration: try AWSConfiguration(environment: env), transport: Self.http)
        let error = await #expect(throws: AWSError.self) { _ = try await wrong.createQueue(name: Self.unique("never")) }
        #expect(error?.isAuthenticationError == true)
        #expect(error.map { !$0.description.contains(session.sessionToken!) } == true)
    }

    @Test func wrongSecretIsAnAuthenticationError() async throws {
        let wrong = "wrong-secret-\(UInt64.random(in: 0..<UInt64.max))"
        let config = try await Self.configuration(secret: wrong)
        let sqs = SQSClient(configuration: config, transport: Self.http)
        let sqsError = await #expect(throws: AWSError.self) { _ = try await sqs.createQueue(name: Self.unique("never")) }
        #expect(sqsError?.isAuthenticationError == true)
        #expect(sqsError?.code == "SignatureDoesNotMatch")
        #expect(sqsError?.attempts == 1)  // not retried

        let ddb = DynamoDBClient(configuration: config, transport: Self.http)
        let ddbError = await #expect(throws: AWSError.self) { _ = try await ddb.getItem(table: "t", key: ["PK": "x"]) }
        #expect(ddbError?.isAuthenticationError == true)
        for e in [sqsError, ddbError].compactMap({ $0 }) { #expect(!e.description.contains(wrong)) }

        let unknownKey = SQSClient(configuration: try await Self.configuration(accessKeyId: "AKIA" + String((0..<16).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".randomElement()! })), transport: Self.http)
        let unknownError = await #expect(throws: AWSError.self) { _ = try await unknownKey.createQueue(name: Self.unique("never")) }
        #expect(unknownError?.isAuthenticationError == true)
        #expect(unknownError?.code == "InvalidClientTokenId")
    }
}

/// The retry decisions over real sockets: a local server answers 503 twice and then 200, or 400.
@Suite struct RetryOverSocketsTests {
    static func server(_ statuses: [Int]) async throws -> ChildProcess {
        let script = TestFiles.testsDirectory + "/Fixtures/scripted_server.py"
        return try await ChildProcess.start(shell: "exec python3 '\(script)' " + statuses.map(String.init).joined(separator: " "))
    }

    static func client(_ endpoint: String, _ sleeper: SleepRecorder) -> DynamoDBClient {
        DynamoDBClient(
            configuration: AWSConfiguration(
                credentials: AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "test-only"), region: "us-east-1",
                endpoints: AWSEndpoints(sqs: endpoint, dynamoDB: endpoint)),
            transport: HTTPClient(), options: AWSClientOptions(random: { 0.01 }, sleep: sleeper.sleep))
    }

    static func requestCount(_ endpoint: String) async throws -> Int? {
        let r = try await HTTPClient().send(HTTPRequest(url: endpoint + "/requests"))
        return try JSONValue.parse(r.body)["requests"]?.intValue
    }

    @Test func twoServiceUnavailablesThenSuccess() async throws {
        let server = try await Self.server([503, 503, 200])
        defer { server.stop() }
        let endpoint = try #require(server.announcement["endpoint"]?.stringValue)
        let sleeper = SleepRecorder()
        let item = try await Self.client(endpoint, sleeper).getItem(table: "t", key: ["PK": "ok"])
        #expect(item == ["PK": "ok"])
        #expect(try await Self.requestCount(endpoint) == 3)
        #expect(sleeper.recorded == [10, 20])  // 0.01 × 1 s, 0.01 × 2 s
    }

    @Test func badRequestIsNotRetried() async throws {
        let server = try await Self.server([400, 200])
        defer { server.stop() }
        let endpoint = try #require(server.announcement["endpoint"]?.stringValue)
        let sleeper = SleepRecorder()
        let error = await #expect(throws: AWSError.self) {
            _ = try await Self.client(endpoint, sleeper).getItem(table: "t", key: ["PK": "ok"])
        }
        #expect(error?.code == "ValidationException")
        #expect(try await Self.requestCount(endpoint) == 1)
        #expect(sleeper.recorded.isEmpty)
    }
}
