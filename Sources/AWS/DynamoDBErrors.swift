/// A `ConditionExpression` was false (`ConditionalCheckFailedException`): an expected outcome, not a fault.
/// `item` is the item as it stood, when the request asked for it (`ReturnValuesOnConditionCheckFailure: ALL_OLD`).
public struct ConditionalCheckFailed: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let item: DynamoDBItem?
    public let message: String
    public let requestId: String?

    public var description: String {
        "dynamodb \(operation): condition not met" + (requestId.map { " [request id \($0)]" } ?? "")
    }
}

/// `TransactWriteItems` was cancelled (`TransactionCanceledException`); nothing was written. `reasons` has one
/// entry per action, in request order (`code` is `None` for the actions that were fine).
public struct TransactionCanceled: Error, Sendable, CustomStringConvertible {
    public struct Reason: Sendable, Equatable {
        /// `None`, `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, `ValidationError`, …
        public let code: String
        public let message: String?
        public let item: DynamoDBItem?
    }

    public let reasons: [Reason]
    public let message: String
    public let requestId: String?

    /// Indexes of the actions whose condition was false.
    public var failedConditionIndexes: [Int] {
        reasons.indices.filter { reasons[$0].code == "ConditionalCheckFailed" }
    }

    /// True when only conflicts or throttling cancelled it, so the same transaction may succeed later.
    public var isTransient: Bool {
        let transient: Set<String> = ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"]
        let codes = reasons.map(\.code).filter { $0 != "None" }
        return !codes.isEmpty && codes.allSatisfy(transient.contains)
    }

    public var description: String {
        "dynamodb TransactWriteItems cancelled: [" + reasons.map(\.code).joined(separator: ", ") + "]"
            + (requestId.map { " [request id \($0)]" } ?? "")
    }
}
