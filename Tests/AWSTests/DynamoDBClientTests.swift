import Base
import CurlHTTP
import Testing

@testable import AWS

@Suite struct DynamoDBClientTests {
    static let ccfBody = """
        {"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "Message": "The conditional \
        request failed", "Item": {"PK": {"S": "user#1"}, "n": {"N": "1"}}}
        """

    @Test func conditionalCheckFailedIsItsOwnTypeWithTheOldItem() async throws {
        let transport = FakeTransport(responses: [Fixtures.json(400, Self.ccfBody)])
        let ddb = DynamoDBClient(core: Fixtures.core(transport))
        do {
            try await ddb.putItem(
                table: "t", item: ["PK": "user#1"], condition: "attribute_not_exists(PK)",
                returnOldItemOnConditionFailure: true)
            Issue.record("expected ConditionalCheckFailed")
        } catch let e as ConditionalCheckFailed {
            #expect(e.item == ["PK": "user#1", "n": .n("1")])
            #expect(e.operation == "PutItem")
            #expect(e.message == "The conditional request failed")
        }
        #expect(transport.requests.count == 1)  // never retried
        let sent = try JSONValue.parse(transport.requests[0].body)
        #expect(sent["ConditionExpression"]?.stringValue == "attribute_not_exists(PK)")
        #expect(sent["ReturnValuesOnConditionCheckFailure"]?.stringValue == "ALL_OLD")
    }

    @Test func transactionCanceledCarriesReasonsInOrder() async throws {
        let body = """
            {"__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException", "CancellationReasons": \
            [{"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", \
            "Item": {"PK": {"S": "b"}}}], "Message": "Transaction cancelled, please refer cancellation reasons"}
            """
        let transport = FakeTransport(responses: [Fixtures.json(400, body)])
        let ddb = DynamoDBClient(core: Fixtures.core(transport))
        do {
            try await ddb.transactWriteItems([
                .put(table: "t", item: ["PK": "a"]),
                .update(table: "t", key: ["PK": "b"], update: "ADD n :one", condition: "attribute_exists(PK)",
                        values: [":one": 1]),
            ])
            Issue.record("expected TransactionCanceled")
        } catch let e as TransactionCanceled {
            #expect(e.reasons.map(\.code) == ["None", "ConditionalCheckFailed"])
            #expect(e.failedConditionIndexes == [1])
            #expect(e.reasons[1].item == ["PK": "b"])
            #expect(!e.isTransient)
        }
        let sent = try JSONValue.parse(transport.requests[0].body)
        #expect(sent["TransactItems"]?[1]?["Update"]?["UpdateExpression"]?.stringValue == "ADD n :one")
        #expect(sent["TransactItems"]?[0]?["Put"]?["Item"]?["PK"]?["S"]?.stringValue == "a")
    }

    @Test func getItemMissingIsNil() async throws {
        let transport = FakeTransport(responses: [Fixtures.json(200, "{}")])
        let ddb = DynamoDBClient(core: Fixtures.core(transport))
        #expect(try await ddb.getItem(table: "t", key: ["PK": "x"], consistentRead: true) == nil)
        let sent = try JSONValue.parse(transport.requests[0].body)
        #expect(sent["ConsistentRead"]?.boolValue == true)
    }

    @Test func batchGetRetriesUnprocessedKeys() async throws {
        let transport = FakeTransport { request, n in
            let body = try JSONValue.parse(request.body)
            let keys = body["RequestItems"]?["t"]?["Keys"]?.arrayValue ?? []
            if n == 0 {
                // Answer the first key, leave the rest unprocessed.
                return Fixtures.json(200, """
                    {"Responses": {"t": [\(keys[0]["PK"].map { #"{"PK":\#($0.serialized)}"# }!)]},
                     "UnprocessedKeys": {"t": {"Keys": \(JSONValue.array(Array(keys.dropFirst())).serialized)}}}
                    """)
            }
            let items = keys.map { #"{"PK":\#($0["PK"]!.serialized)}"# }.joined(separator: ",")
            return Fixtures.json(200, #"{"Responses": {"t": [\#(items)]}, "UnprocessedKeys": {}}"#)
        }
        let sleeper = SleepRecorder()
        let ddb = DynamoDBClient(core: Fixtures.core(transport, sleeper: sleeper))
        let keys: [DynamoDBItem] = (1...3).map { ["PK": .s("k\($0)")] }
        let result = try await ddb.batchGetItem(["t": keys])
        #expect(Set(result.items["t"]!.compactMap { $0["PK"]?.stringValue }) == ["k1", "k2", "k3"])
        #expect(result.unprocessedKeys.isEmpty)
        #expect(transport.requests.count == 2)
        #expect(sleeper.recorded.count == 1)
    }

    @Test func queryAllFollowsLastEvaluatedKey() async throws {
        let transport = FakeTransport { request, n in
            let body = try JSONValue.parse(request.body)
            if n == 0 {
                #expect(body["ExclusiveStartKey"] == nil)
                return Fixtures.json(200, #"{"Items":[{"SK":{"S":"a"}},{"SK":{"S":"b"}}],"LastEvaluatedKey":{"SK":{"S":"b"}}}"#)
            }
            #expect(body["ExclusiveStartKey"]?["SK"]?["S"]?.stringValue == "b")
            return Fixtures.json(200, #"{"Items":[{"SK":{"S":"c"}}]}"#)
        }
        let ddb = DynamoDBClient(core: Fixtures.core(transport))
        let items = try await ddb.queryAll(
            .init(table: "t", keyCondition: "PK = :pk", values: [":pk": "p"], limit: 2))
        #expect(items.compactMap { $0["SK"]?.stringValue } == ["a", "b", "c"])
    }
}
