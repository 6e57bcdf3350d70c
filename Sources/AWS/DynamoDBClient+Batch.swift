import Base

// MARK: - BatchGetItem (with unprocessed-key retry) and TransactWriteItems

extension DynamoDBClient {
    public struct BatchGetResult: Sendable {
        /// Items found, per table (order is DynamoDB's, not the request's).
        public var items: [String: [DynamoDBItem]]
        /// Keys DynamoDB still had not processed after every round (throttling); empty normally.
        public var unprocessedKeys: [String: [DynamoDBItem]]
    }

    /// Reads many keys (any number: sent 100 at a time). Keys reported in `UnprocessedKeys` are asked again after a
    /// jittered backoff, up to `maxRounds` times per chunk; what is left is returned, not silently dropped.
    public func batchGetItem(
        _ keysByTable: [String: [DynamoDBItem]], consistentRead: Bool = false, maxRounds: Int = 5
    ) async throws -> BatchGetResult {
        var flat: [(table: String, key: DynamoDBItem)] = []
        for table in keysByTable.keys.sorted() {
            for key in keysByTable[table]! {
                do { try AttributeValue.validateKey(key) } catch { throw DynamoDBClient.invalid("BatchGetItem", error) }
                flat.append((table, key))
            }
        }
        var result = BatchGetResult(items: [:], unprocessedKeys: [:])
        var start = 0
        while start < flat.count {
            let chunk = flat[start..<min(start + 100, flat.count)]
            start += 100
            var pending: [String: [DynamoDBItem]] = [:]
            for (table, key) in chunk { pending[table, default: []].append(key) }
            var round = 1
            while !pending.isEmpty {
                let response = try await send("BatchGetItem", DynamoDBClient.batchGetBody(pending, consistentRead))
                for (table, items) in response["Responses"]?.objectValue?.entries ?? [] {
                    for item in items.arrayValue ?? [] {
                        result.items[table, default: []].append(try decodeItem(item, "BatchGetItem"))
                    }
                }
                pending = [:]
                for (table, spec) in response["UnprocessedKeys"]?.objectValue?.entries ?? [] {
                    for key in spec["Keys"]?.arrayValue ?? [] {
                        pending[table, default: []].append(try decodeItem(key, "BatchGetItem"))
                    }
                }
                if pending.isEmpty { break }
                guard round < maxRounds,
                    case .retry(let delay) = core.options.retryPolicy.decide(
                        .throttling, attempt: min(round, core.options.retryPolicy.maxAttempts - 1),
                        random: core.options.random(), remainingMs: core.options.remaining())
                else {
                    for (table, keys) in pending { result.unprocessedKeys[table, default: []] += keys }
                    break
                }
                try await core.options.sleep(delay)
                round += 1
            }
        }
        return result
    }

    static func batchGetBody(_ keys: [String: [DynamoDBItem]], _ consistentRead: Bool) -> JSONObject {
        var requestItems = JSONObject()
        for table in keys.keys.sorted() {
            var spec = JSONObject([("Keys", .array(keys[table]!.map(AttributeValue.json(item:))))])
            if consistentRead { spec["ConsistentRead"] = true }
            requestItems[table] = .object(spec)
        }
        return JSONObject([("RequestItems", .object(requestItems))])
    }

    /// One action of a `TransactWriteItems` call.
    public struct TransactWriteItem: Sendable {
        enum Kind: String { case put = "Put", update = "Update", delete = "Delete", conditionCheck = "ConditionCheck" }
        let kind: Kind
        let table: String
        let item: DynamoDBItem
        let update: String?
        let condition: String?
        let names: [String: String]
        let values: DynamoDBItem
        let returnOldItemOnConditionFailure: Bool

        public static func put(
            table: String, item: DynamoDBItem, condition: String? = nil, names: [String: String] = [:],
            values: DynamoDBItem = [:], returnOldItemOnConditionFailure: Bool = false
        ) -> TransactWriteItem {
            TransactWriteItem(
                kind: .put, table: table, item: item, update: nil, condition: condition, names: names, values: values,
                returnOldItemOnConditionFailure: returnOldItemOnConditionFailure)
        }

        public static func update(
            table: String, key: DynamoDBItem, update: String, condition: String? = nil, names: [String: String] = [:],
            values: DynamoDBItem = [:], returnOldItemOnConditionFailure: Bool = false
        ) -> TransactWriteItem {
            TransactWriteItem(
                kind: .update, table: table, item: key, update: update, condition: condition, names: names,
                values: values, returnOldItemOnConditionFailure: returnOldItemOnConditionFailure)
        }

        public static func delete(
            table: String, key: DynamoDBItem, condition: String? = nil, names: [String: String] = [:],
            values: DynamoDBItem = [:], returnOldItemOnConditionFailure: Bool = false
        ) -> TransactWriteItem {
            TransactWriteItem(
                kind: .delete, table: table, item: key, update: nil, condition: condition, names: names, values: values,
                returnOldItemOnConditionFailure: returnOldItemOnConditionFailure)
        }

        public static func conditionCheck(
            table: String, key: DynamoDBItem, condition: String, names: [String: String] = [:],
            values: DynamoDBItem = [:], returnOldItemOnConditionFailure: Bool = false
        ) -> TransactWriteItem {
            TransactWriteItem(
                kind: .conditionCheck, table: table, item: key, update: nil, condition: condition, names: names,
                values: values, returnOldItemOnConditionFailure: returnOldItemOnConditionFailure)
        }

        func json() throws(AttributeValueError) -> JSONValue {
            var b = JSONObject([("TableName", .string(table))])
            if kind == .put {
                try AttributeValue.validate(item: item)
                b["Item"] = AttributeValue.json(item: item)
            } else {
                try AttributeValue.validateKey(item)
                b["Key"] = AttributeValue.json(item: item)
            }
            try AttributeValue.validate(item: values)
            if let update { b["UpdateExpression"] = .string(update) }
            if let condition { b["ConditionExpression"] = .string(condition) }
            DynamoDBClient.addExpressionAttributes(&b, names: names, values: values)
            if returnOldItemOnConditionFailure { b["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD" }
            return .object(JSONObject([(kind.rawValue, .object(b))]))
        }
    }

    /// All or nothing: either every action is applied or `TransactionCanceled` is thrown with one reason per action.
    /// `clientRequestToken` makes a retried call idempotent for 10 minutes.
    public func transactWriteItems(_ items: [TransactWriteItem], clientRequestToken: String? = nil) async throws {
        var actions: [JSONValue] = []
        for (i, item) in items.enumerated() {
            do { actions.append(try item.json()) } catch {
                throw DynamoDBClient.invalid("TransactWriteItems", error.at("[\(i)]"))
            }
        }
        var body = JSONObject([("TransactItems", .array(actions))])
        if let clientRequestToken { body["ClientRequestToken"] = .string(clientRequestToken) }
        _ = try await send("TransactWriteItems", body)
    }
}
