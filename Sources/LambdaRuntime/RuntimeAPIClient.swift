import Base
import CurlHTTP
import Logs

/// One invocation as `/next` delivered it.
public struct Invocation: Sendable {
    public let event: [UInt8]
    public let requestId: String
    public let deadlineMs: EpochMillis?
    public let invokedFunctionArn: String
    public let traceId: String?
    public let clientContext: String?
    public let cognitoIdentity: String?

    /// Reads the `Lambda-Runtime-*` headers (notes A2). Only the request id is required.
    init(response: HTTPResponse) throws(RuntimeAPIError) {
        guard let id = response.headers["Lambda-Runtime-Aws-Request-Id"], !id.isEmpty else {
            throw .malformed("/next response has no Lambda-Runtime-Aws-Request-Id header")
        }
        event = response.body
        requestId = id
        deadlineMs = response.headers["Lambda-Runtime-Deadline-Ms"].flatMap { EpochMillis($0) }
        invokedFunctionArn = response.headers["Lambda-Runtime-Invoked-Function-Arn"] ?? ""
        traceId = response.headers["Lambda-Runtime-Trace-Id"].flatMap { $0.isEmpty ? nil : $0 }
        clientContext = response.headers["Lambda-Runtime-Client-Context"].flatMap { $0.isEmpty ? nil : $0 }
        cognitoIdentity = response.headers["Lambda-Runtime-Cognito-Identity"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A failed Runtime API call.
public struct RuntimeAPIError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Could not talk to the API at all (connection refused/reset, timeout): worth retrying.
        case unreachable
        /// The API answered with this status. 500 means "the runtime should exit promptly" (notes A1).
        case status(Int)
        /// The API answered something the runtime cannot use.
        case malformed
    }

    public let kind: Kind
    public let detail: String

    static func malformed(_ detail: String) -> RuntimeAPIError { RuntimeAPIError(kind: .malformed, detail: detail) }

    public var isTransient: Bool { kind == .unreachable }

    public var description: String {
        switch kind {
        case .unreachable: return "Runtime API unreachable: \(detail)"
        case .status(let s): return "Runtime API answered HTTP \(s): \(detail)"
        case .malformed: return "Runtime API answer unusable: \(detail)"
        }
    }
}

/// What became of a posted response.
public enum ResponseOutcome: Sendable, Equatable {
    case accepted
    /// 413: the platform refused the payload and reports `Function.ResponseSizeTooLarge` itself.
    case tooLarge
}

/// Sends the Runtime API calls over any `HTTPTransport` (the curl client in production, a fake in tests).
public struct RuntimeAPIClient: Sendable {
    public let requests: RuntimeAPIRequests
    let transport: any HTTPTransport

    public init(endpoint: String, transport: any HTTPTransport) {
        self.requests = RuntimeAPIRequests(endpoint: endpoint)
        self.transport = transport
    }

    public func next() async throws(RuntimeAPIError) -> Invocation {
        let response = try await send(requests.next())
        guard response.status == 200 else { throw statusError(response, call: "GET /next") }
        return try Invocation(response: response)
    }

    public func sendResponse(requestId: String, body: [UInt8]) async throws(RuntimeAPIError) -> ResponseOutcome {
        let response = try await send(requests.response(requestId: requestId, body: body))
        if response.status == 413 { return .tooLarge }
        guard (200..<300).contains(response.status) else { throw statusError(response, call: "POST /response") }
        return .accepted
    }

    public func sendError(requestId: String, report: ErrorReport) async throws(RuntimeAPIError) {
        let response = try await send(requests.error(requestId: requestId, report: report))
        guard (200..<300).contains(response.status) else { throw statusError(response, call: "POST /error") }
    }

    public func sendInitError(_ report: ErrorReport) async throws(RuntimeAPIError) {
        let response = try await send(requests.initError(report: report))
        guard (200..<300).contains(response.status) else { throw statusError(response, call: "POST /init/error") }
    }

    private func send(_ request: HTTPRequest) async throws(RuntimeAPIError) -> HTTPResponse {
        do {
            return try await transport.send(request)
        } catch let error as HTTPClientError {
            let kind: RuntimeAPIError.Kind = error.isTransient ? .unreachable : .malformed
            throw RuntimeAPIError(kind: kind, detail: error.description)
        } catch {
            throw RuntimeAPIError(kind: .unreachable, detail: "\(error)")
        }
    }

    private func statusError(_ response: HTTPResponse, call: String) -> RuntimeAPIError {
        // The API's error bodies are {"errorMessage","errorType"}; quote them briefly.
        let text = String(decoding: response.body.prefix(300), as: UTF8.self)
        return RuntimeAPIError(kind: .status(response.status), detail: "\(call): \(text)")
    }
}
