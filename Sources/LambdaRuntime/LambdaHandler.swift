import Base

/// The function: raw event bytes in, response bytes out. Throwing reports the error to Lambda
/// (`/invocation/{id}/error`); the process carries on with the next invocation.
public protocol LambdaHandler: Sendable {
    func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8]
}

/// A handler from a closure over bytes.
public struct ClosureHandler: LambdaHandler {
    let body: @Sendable ([UInt8], LambdaContext) async throws -> [UInt8]
    public init(_ body: @escaping @Sendable ([UInt8], LambdaContext) async throws -> [UInt8]) { self.body = body }
    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] { try await body(event, context) }
}

/// A handler from a closure over parsed JSON. An event that is not JSON fails as `InvalidEvent`.
public struct JSONHandler: LambdaHandler {
    let body: @Sendable (JSONValue, LambdaContext) async throws -> JSONValue
    public init(_ body: @escaping @Sendable (JSONValue, LambdaContext) async throws -> JSONValue) { self.body = body }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(event)
        } catch {
            throw InvalidEvent(reason: "\(error)")
        }
        return try await body(value, context).serializedBytes
    }
}

/// The event could not be parsed.
public struct InvalidEvent: Error, LambdaReportableError, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var errorType: String { "InvalidEvent" }
    public var description: String { "the event is not valid: \(reason)" }
}
