import Base
import CurlHTTP

/// DynamoDB over the JSON 1.0 protocol (`DynamoDB_20120810`), with the standard retry mode and `x-amz-crc32`
/// checking. Throws `ConditionalCheckFailed`, `TransactionCanceled`, or `AWSError` for everything else.
public struct DynamoDBClient: Sendable {
    public let core: AWSJSONClient

    public init(core: AWSJSONClient) { self.core = core }

    public init(configuration: AWSConfiguration, transport: any HTTPTransport, options: AWSClientOptions = AWSClientOptions()) {
        core = AWSJSONClient(
            service: "dynamodb", targetPrefix: "DynamoDB_20120810", endpoint: configuration.endpoints.dynamoDB,
            credentials: configuration.credentials, region: configuration.region, transport: transport, options: options)
    }

    /// Which attributes a write returns (`ReturnValues`).
    public enum ReturnValues: String, Sendable {
        case none = "NONE", allOld = "ALL_OLD", updatedOld = "UPDATED_OLD", allNew = "ALL_NEW", updatedNew = "UPDATED_NEW"
    }

    // MARK: - Items

    /// The item with this key, or nil when there is none.
    public func getItem(
        table: String, key: DynamoDBItem, consistentRead: Bool = false, projection: String? = nil,
        names: [String: String] = [:]
    ) async throws -> DynamoDBItem? {
        var body = try DynamoDBClient.keyed(table: table, key: key, operation: "GetItem")
        if consistentRead { body["ConsistentRead"] = true }
        if let projection { body["ProjectionExpression"] = .string(projection) }
        DynamoDBClient.addExpressionAttributes(&body, names: names, values: [:])
        let response = try await send("GetItem", body)
        guard let item = response["Item"] else { return nil }
        return try decodeItem(item, "GetItem")
    }

    /// Writes the item (when `condition` holds). Returns the old item with `returnValues: .allOld`.
    @discardableResult
    public func putItem(
        table: String, item: DynamoDBItem, condition: String? = nil, names: [String: String] = [:],
        values: DynamoDBItem = [:], returnValues: ReturnValues = .none, returnOldItemOnConditionFailure: Bool = false
    ) async throws -> DynamoDBItem? {
        try validate("PutItem") { () throws(AttributeValueError) in
            try AttributeValue.validate(item: item)
            try AttributeValue.validate(item: values)
        }
        var body = JSONObject([("TableName", .string(table)), ("Item", AttributeValue.json(item: item))])
        DynamoDBClient.addWriteOptions(
            &body, condition: condition, names: names, values: values, returnValues: returnValues,
            returnOldItemOnConditionFailure: returnOldItemOnConditionFailure)
        return try await attributes(send("PutItem", body), "PutItem")
    }

    /// Applies `update` (`SET a = :v ADD n :one REMOVE x …`) when `condition` holds.
    @discardableResult
    public func updateItem(
        table: String, key: DynamoDBItem, update: String, condition: String? = nil, names: [String: String] = [:],
        values: DynamoDBItem = [:], returnValues: ReturnValues = .none, returnOldItemOnConditionFailure: Bool = false
    ) async throws -> DynamoDBItem? {
        var body = try DynamoDBClient.keyed(table: table, key: key, operation: "UpdateItem")
        try validate("UpdateItem") { () throws(AttributeValueError) in try AttributeValue.validate(item: values) }
        body["UpdateExpression"] = .string(update)
        DynamoDBClient.addWriteOptions(
            &body, condition: condition, names: names, values: values, returnValues: returnValues,
            returnOldItemOnConditionFailure: returnOldItemOnConditionFailure)
        return try await attributes(send("UpdateItem", body), "UpdateItem")
    }

    @discardableResult
    public func deleteItem(
        table: String, key: DynamoDBItem, condition: String? = nil, names: [String: String] = [:],
        values: DynamoDBItem = [:], returnValues: ReturnValues = .none, returnOldItemOnConditionFailure: Bool = false
    ) async throws -> DynamoDBItem? {
        var body = try DynamoDBClient.keyed(table: table, key: key, operation: "DeleteItem")
        try validate("DeleteItem") { () throws(AttributeValueError) in try AttributeValue.validate(item: values) }
        DynamoDBClient.addWriteOptions(
            &body, condition: condition, names: names, values: values, returnValues: returnValues,
            returnOldItemOnConditionFailure: returnOldItemOnConditionFailure)
        return try await attributes(send("DeleteItem", body), "DeleteItem")
    }

    // MARK: - Plumbing

    /// Sends and maps the two errors callers act on to their own types.
    func send(_ operation: String, _ body: JSONObject) async throws -> JSONValue {
        do {
            return try await core.call(operation, .object(body))
        } catch {
            throw DynamoDBClient.specialise(error)
        }
    }

    static func specialise(_ error: AWSError) -> any Error {
        switch error.code {
        case "ConditionalCheckFailedException":
            let item = error.payload?["Item"].flatMap { try? AttributeValue.item(json: $0) }
            return ConditionalCheckFailed(
                operation: error.operation, item: item, message: error.message, requestId: error.requestId)
        case "TransactionCanceledException":
            let reasons = (error.payload?["CancellationReasons"]?.arrayValue ?? []).map { r in
                TransactionCanceled.Reason(
                    code: r["Code"]?.stringValue ?? "None",
                    message: r["Message"]?.stringValue ?? r["message"]?.stringValue,
                    item: r["Item"].flatMap { try? AttributeValue.item(json: $0) })
            }
            return TransactionCanceled(reasons: reasons, message: error.message, requestId: error.requestId)
        default:
            return error
        }
    }

    static func keyed(table: String, key: DynamoDBItem, operation: String) throws -> JSONObject {
        do { try AttributeValue.validateKey(key) } catch { throw invalid(operation, error) }
        return JSONObject([("TableName", .string(table)), ("Key", AttributeValue.json(item: key))])
    }

    static func addWriteOptions(
        _ body: inout JSONObject, condition: String?, names: [String: String], values: DynamoDBItem,
        returnValues: ReturnValues, returnOldItemOnConditionFailure: Bool
    ) {
        if let condition { body["ConditionExpression"] = .string(condition) }
        addExpressionAttributes(&body, names: names, values: values)
        if returnValues != .none { body["ReturnValues"] = .string(returnValues.rawValue) }
        if returnOldItemOnConditionFailure { body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD" }
    }

    static func addExpressionAttributes(_ body: inout JSONObject, names: [String: String], values: DynamoDBItem) {
        if !names.isEmpty {
            body["ExpressionAttributeNames"] = .object(JSONObject(names.keys.sorted().map { ($0, .string(names[$0]!)) }))
        }
        if !values.isEmpty { body["ExpressionAttributeValues"] = AttributeValue.json(item: values) }
    }

    func validate(_ operation: String, _ check: () throws(AttributeValueError) -> Void) throws {
        do { try check() } catch { throw DynamoDBClient.invalid(operation, error) }
    }

    static func invalid(_ operation: String, _ error: AttributeValueError) -> AWSError {
        AWSError(
            kind: .invalidRequest, service: "dynamodb", operation: operation, code: "InvalidRequest",
            message: error.description)
    }

    func decodeItem(_ json: JSONValue, _ operation: String) throws -> DynamoDBItem {
        do { return try AttributeValue.item(json: json) } catch {
            throw AWSError(
                kind: .invalidResponse, service: "dynamodb", operation: operation, code: "InvalidResponse",
                message: "unreadable item: \(error)")
        }
    }

    private func attributes(_ response: JSONValue, _ operation: String) throws -> DynamoDBItem? {
        guard let a = response["Attributes"] else { return nil }
        return try decodeItem(a, operation)
    }
}
