import Base

/// The records of an SQS Lambda event (`{"Records":[{"messageId":…,"body":…,…}]}`).
struct SQSRecord: Sendable {
    var messageId: String
    var body: String
    /// How many times SQS has handed this message out (1 = first delivery).
    var receiveCount: Int?
}

struct SQSEventError: Error, CustomStringConvertible {
    var description: String
}

enum SQSEvent {
    static func records(_ event: JSONValue) throws -> [SQSRecord] {
        guard let records = event["Records"]?.arrayValue else {
            throw SQSEventError(description: "not an SQS event: no Records array")
        }
        var out: [SQSRecord] = []
        for r in records {
            guard let id = r["messageId"]?.stringValue, !id.isEmpty else {
                throw SQSEventError(description: "an SQS record has no messageId")
            }
            let count = r["attributes"]?["ApproximateReceiveCount"]?.stringValue.flatMap { Int($0) }
            out.append(SQSRecord(messageId: id, body: r["body"]?.stringValue ?? "", receiveCount: count))
        }
        return out
    }

    /// `{"batchItemFailures":[{"itemIdentifier":"…"}]}`, each id once, in first-seen order.
    static func response(failures: [String]) -> JSONValue {
        var seen = Set<String>()
        var items: [JSONValue] = []
        for id in failures where seen.insert(id).inserted { items.append(["itemIdentifier": .string(id)]) }
        return ["batchItemFailures": .array(items)]
    }
}
