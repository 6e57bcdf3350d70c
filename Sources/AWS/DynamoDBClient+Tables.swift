import Base

// MARK: - Table set-up (tests, the local stack)

extension DynamoDBClient {
    public enum KeyType: String, Sendable { case string = "S", number = "N", binary = "B" }

    /// Creates an on-demand table with a partition key and an optional sort key.
    public func createTable(
        name: String, partitionKey: (String, KeyType), sortKey: (String, KeyType)? = nil
    ) async throws {
        var definitions: [JSONValue] = [
            ["AttributeName": .string(partitionKey.0), "AttributeType": .string(partitionKey.1.rawValue)]
        ]
        var schema: [JSONValue] = [["AttributeName": .string(partitionKey.0), "KeyType": "HASH"]]
        if let sortKey {
            definitions.append(["AttributeName": .string(sortKey.0), "AttributeType": .string(sortKey.1.rawValue)])
            schema.append(["AttributeName": .string(sortKey.0), "KeyType": "RANGE"])
        }
        _ = try await send(
            "CreateTable",
            JSONObject([
                ("TableName", .string(name)), ("AttributeDefinitions", .array(definitions)),
                ("KeySchema", .array(schema)), ("BillingMode", "PAY_PER_REQUEST"),
            ]))
    }
}
