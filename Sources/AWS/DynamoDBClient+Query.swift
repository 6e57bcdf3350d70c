import Base

extension DynamoDBClient {
    /// One `Query` request. `exclusiveStartKey` continues from a previous page's `lastEvaluatedKey`.
    public struct Query: Sendable {
        public var table: String
        public var index: String?
        public var keyCondition: String
        public var filter: String?
        public var projection: String?
        public var names: [String: String]
        public var values: DynamoDBItem
        public var limit: Int?
        public var scanIndexForward: Bool
        public var consistentRead: Bool
        public var exclusiveStartKey: DynamoDBItem?

        public init(
            table: String, index: String? = nil, keyCondition: String, filter: String? = nil,
            projection: String? = nil, names: [String: String] = [:], values: DynamoDBItem = [:], limit: Int? = nil,
            scanIndexForward: Bool = true, consistentRead: Bool = false, exclusiveStartKey: DynamoDBItem? = nil
        ) {
            self.table = table
            self.index = index
            self.keyCondition = keyCondition
            self.filter = filter
            self.projection = projection
            self.names = names
            self.values = values
            self.limit = limit
            self.scanIndexForward = scanIndexForward
            self.consistentRead = consistentRead
            self.exclusiveStartKey = exclusiveStartKey
        }

        var body: JSONObject {
            var b = JSONObject([("TableName", .string(table)), ("KeyConditionExpression", .string(keyCondition))])
            if let index { b["IndexName"] = .string(index) }
            if let filter { b["FilterExpression"] = .string(filter) }
            if let projection { b["ProjectionExpression"] = .string(projection) }
            DynamoDBClient.addExpressionAttributes(&b, names: names, values: values)
            if let limit { b["Limit"] = .int(limit) }
            if !scanIndexForward { b["ScanIndexForward"] = false }
            if consistentRead { b["ConsistentRead"] = true }
            if let exclusiveStartKey { b["ExclusiveStartKey"] = AttributeValue.json(item: exclusiveStartKey) }
            return b
        }
    }

    public struct QueryPage: Sendable {
        public var items: [DynamoDBItem]
        /// Present when there may be more: pass it as the next query's `exclusiveStartKey`.
        public var lastEvaluatedKey: DynamoDBItem?
    }

    public func query(_ query: Query) async throws -> QueryPage {
        try validate("Query") { () throws(AttributeValueError) in try AttributeValue.validate(item: query.values) }
        let response = try await send("Query", query.body)
        var items: [DynamoDBItem] = []
        for item in response["Items"]?.arrayValue ?? [] { items.append(try decodeItem(item, "Query")) }
        let last = try response["LastEvaluatedKey"].map { try decodeItem($0, "Query") }
        return QueryPage(items: items, lastEvaluatedKey: last)
    }

    /// Every page of a query, in order (`query.limit` is the page size). Stops after `maxPages` pages.
    public func queryAll(_ query: Query, maxPages: Int = 1000) async throws -> [DynamoDBItem] {
        var q = query
        var all: [DynamoDBItem] = []
        for _ in 0..<maxPages {
            let page = try await self.query(q)
            all += page.items
            guard let next = page.lastEvaluatedKey, !next.isEmpty else { break }
            q.exclusiveStartKey = next
        }
        return all
    }
}
