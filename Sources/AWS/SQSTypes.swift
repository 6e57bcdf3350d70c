import Base

/// A message attribute (`String`, `Number` or a custom `String.x` type; binary attributes are not used here).
public struct SQSMessageAttribute: Sendable, Equatable {
    public var dataType: String
    public var stringValue: String

    public init(dataType: String = "String", stringValue: String) {
        self.dataType = dataType
        self.stringValue = stringValue
    }

    public static func string(_ s: String) -> SQSMessageAttribute { SQSMessageAttribute(stringValue: s) }
    public static func number(_ n: String) -> SQSMessageAttribute { SQSMessageAttribute(dataType: "Number", stringValue: n) }
}

/// A message to send.
public struct SQSOutgoingMessage: Sendable {
    public var body: String
    public var delaySeconds: Int?
    public var attributes: [String: SQSMessageAttribute]
    /// FIFO queues only.
    public var groupId: String?
    public var deduplicationId: String?

    public init(
        body: String, delaySeconds: Int? = nil, attributes: [String: SQSMessageAttribute] = [:],
        groupId: String? = nil, deduplicationId: String? = nil
    ) {
        self.body = body
        self.delaySeconds = delaySeconds
        self.attributes = attributes
        self.groupId = groupId
        self.deduplicationId = deduplicationId
    }

    /// What counts towards SQS's 256 KiB limit: the body plus each attribute's name, type and value.
    public var sizeInBytes: Int {
        body.utf8.count
            + attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.dataType.utf8.count + $1.value.stringValue.utf8.count }
    }

    func json(id: String?) -> JSONValue {
        var o = JSONObject()
        if let id { o["Id"] = .string(id) }
        o["MessageBody"] = .string(body)
        if let delaySeconds { o["DelaySeconds"] = .int(delaySeconds) }
        if !attributes.isEmpty {
            o["MessageAttributes"] = .object(
                JSONObject(
                    attributes.keys.sorted().map { name in
                        let a = attributes[name]!
                        return (name, ["DataType": .string(a.dataType), "StringValue": .string(a.stringValue)])
                    }))
        }
        if let groupId { o["MessageGroupId"] = .string(groupId) }
        if let deduplicationId { o["MessageDeduplicationId"] = .string(deduplicationId) }
        return .object(o)
    }
}

/// A received message.
public struct SQSMessage: Sendable {
    public var messageId: String
    public var receiptHandle: String
    public var body: String
    /// System attributes (`ApproximateReceiveCount`, `SentTimestamp`, …) as SQS sends them: strings.
    public var attributes: [String: String]
    public var messageAttributes: [String: SQSMessageAttribute]

    public var approximateReceiveCount: Int? { attributes["ApproximateReceiveCount"].flatMap { Int($0) } }
}

/// Why one message of a batch was not sent.
public struct SQSSendFailure: Error, Sendable, CustomStringConvertible {
    /// The SQS code (`InvalidParameterValue`, …), `MessageTooLong` when refused before sending, or the code of the
    /// call's error when the whole call failed.
    public var code: String
    public var message: String
    /// True when sending the same message again cannot help.
    public var senderFault: Bool
    /// The whole call's error, when that is why.
    public var callError: AWSError?

    public var description: String { "\(code): \(message)" }
}

/// One result per message, in the order the messages were given.
public struct SQSBatchReport: Sendable {
    public enum Outcome: Sendable {
        case sent(messageId: String)
        case failed(SQSSendFailure)
    }

    public var outcomes: [Outcome]
    /// `SendMessageBatch` calls made, re-sends included.
    public var calls: Int

    public var sentCount: Int { outcomes.filter { if case .sent = $0 { return true }; return false }.count }

    /// Indexes (into the input) and reasons of the messages that were not sent.
    public var failures: [(index: Int, failure: SQSSendFailure)] {
        outcomes.enumerated().compactMap { i, o in
            if case .failed(let f) = o { return (i, f) }
            return nil
        }
    }

    public var allSent: Bool { failures.isEmpty }
}
