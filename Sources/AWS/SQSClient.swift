import Base
import CurlHTTP

/// SQS over the AWS JSON 1.0 protocol (`AmazonSQS.<Operation>`). Every request goes to the configured endpoint;
/// the queue URL only travels in the body (SQS and moto find the queue by its last path segment).
public struct SQSClient: Sendable {
    public let core: AWSJSONClient

    public init(core: AWSJSONClient) { self.core = core }

    public init(configuration: AWSConfiguration, transport: any HTTPTransport, options: AWSClientOptions = AWSClientOptions()) {
        core = AWSJSONClient(
            service: "sqs", targetPrefix: "AmazonSQS", endpoint: configuration.endpoints.sqs,
            credentials: configuration.credentials, region: configuration.region, transport: transport, options: options)
    }

    /// Returns the message id.
    @discardableResult
    public func sendMessage(queueURL: String, _ message: SQSOutgoingMessage) async throws -> String {
        guard case .object(var body) = message.json(id: nil) else { preconditionFailure("message json is an object") }
        body["QueueUrl"] = .string(queueURL)
        let response = try await core.call("SendMessage", .object(body))
        return response["MessageId"]?.stringValue ?? ""
    }

    /// Up to `maxMessages` (1…10) messages; an empty array when none arrived within `waitTimeSeconds` (long poll).
    public func receiveMessage(
        queueURL: String, maxMessages: Int = 10, waitTimeSeconds: Int? = nil, visibilityTimeout: Int? = nil,
        systemAttributes: [String] = ["All"], messageAttributeNames: [String] = ["All"]
    ) async throws -> [SQSMessage] {
        var body = JSONObject([
            ("QueueUrl", .string(queueURL)), ("MaxNumberOfMessages", .int(min(max(maxMessages, 1), 10))),
        ])
        if let waitTimeSeconds { body["WaitTimeSeconds"] = .int(waitTimeSeconds) }
        if let visibilityTimeout { body["VisibilityTimeout"] = .int(visibilityTimeout) }
        if !systemAttributes.isEmpty { body["MessageSystemAttributeNames"] = .array(systemAttributes.map(JSONValue.string)) }
        if !messageAttributeNames.isEmpty { body["MessageAttributeNames"] = .array(messageAttributeNames.map(JSONValue.string)) }
        // A long poll legitimately takes `waitTimeSeconds`; allow for it on top of the normal timeout.
        let timeout = core.options.timeoutMs + (waitTimeSeconds ?? 0) * 1000
        let response = try await core.call("ReceiveMessage", .object(body), timeoutMs: timeout)
        return (response["Messages"]?.arrayValue ?? []).map(SQSClient.message)
    }

    public func deleteMessage(queueURL: String, receiptHandle: String) async throws {
        _ = try await core.call(
            "DeleteMessage", ["QueueUrl": .string(queueURL), "ReceiptHandle": .string(receiptHandle)])
    }

    /// Creates the queue (or returns the existing one with the same attributes) and returns its URL.
    public func createQueue(name: String, attributes: [String: String] = [:]) async throws -> String {
        var body = JSONObject([("QueueName", .string(name))])
        if !attributes.isEmpty {
            body["Attributes"] = .object(JSONObject(attributes.keys.sorted().map { ($0, .string(attributes[$0]!)) }))
        }
        let response = try await core.call("CreateQueue", .object(body))
        return response["QueueUrl"]?.stringValue ?? ""
    }

    public func getQueueAttributes(queueURL: String, names: [String] = ["All"]) async throws -> [String: String] {
        let response = try await core.call(
            "GetQueueAttributes",
            ["QueueUrl": .string(queueURL), "AttributeNames": .array(names.map(JSONValue.string))])
        var out: [String: String] = [:]
        for (k, v) in response["Attributes"]?.objectValue?.entries ?? [] { out[k] = v.stringValue ?? v.serialized }
        return out
    }

    static func message(_ json: JSONValue) -> SQSMessage {
        var attributes: [String: String] = [:]
        for (k, v) in json["Attributes"]?.objectValue?.entries ?? [] { attributes[k] = v.stringValue ?? v.serialized }
        var messageAttributes: [String: SQSMessageAttribute] = [:]
        for (k, v) in json["MessageAttributes"]?.objectValue?.entries ?? [] {
            messageAttributes[k] = SQSMessageAttribute(
                dataType: v["DataType"]?.stringValue ?? "String", stringValue: v["StringValue"]?.stringValue ?? "")
        }
        return SQSMessage(
            messageId: json["MessageId"]?.stringValue ?? "", receiptHandle: json["ReceiptHandle"]?.stringValue ?? "",
            body: json["Body"]?.stringValue ?? "", attributes: attributes, messageAttributes: messageAttributes)
    }
}
