import Base
import CurlHTTP

/// A failed AWS call, as data: which service and operation, the AWS error code and message, the HTTP status and
/// the request id, so a caller can match `code` exactly and an operator can quote the request id to AWS.
/// Never holds the secret key, the signature or the session token (messages are scrubbed of them).
public struct AWSError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The service answered with an error response (see `code`).
        case service
        /// The service refused the credentials or the signature (403 `SignatureDoesNotMatch`,
        /// `InvalidClientTokenId`, `UnrecognizedClientException`, `AccessDenied`…).
        case authentication
        /// No usable answer: connection refused, timeout… (`transport` holds the details).
        case transport
        /// An answer that could not be understood (not JSON, wrong shape, checksum mismatch).
        case invalidResponse
        /// The request could not be built (bad input caught before sending).
        case invalidRequest
    }

    public let kind: Kind
    /// Signing name: `sqs`, `dynamodb`.
    public let service: String
    /// `SendMessageBatch`, `PutItem`, …
    public let operation: String
    /// The AWS error code: the part of `__type` after `#`, or for SQS the first part of `x-amzn-query-error`
    /// (`AWS.SimpleQueueService.NonExistentQueue`). Local codes: `Transport`, `InvalidResponse`, `CRC32Mismatch`,
    /// `InvalidRequest`.
    public let code: String
    /// The `__type` short name when it differs from `code` (SQS: `QueueDoesNotExist`).
    public let typeCode: String?
    public let message: String
    /// HTTP status, nil when no response arrived.
    public let status: Int?
    public let requestId: String?
    /// How many attempts were made before giving up.
    public var attempts: Int
    public let transport: HTTPClientError?
    /// The error body, for operation-specific fields (`CancellationReasons`, `Item`). Not part of `description`.
    let payload: JSONValue?

    init(
        kind: Kind, service: String, operation: String, code: String, typeCode: String? = nil, message: String,
        status: Int? = nil, requestId: String? = nil, attempts: Int = 1, transport: HTTPClientError? = nil,
        payload: JSONValue? = nil
    ) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.code = code
        self.typeCode = typeCode
        self.message = message
        self.status = status
        self.requestId = requestId
        self.attempts = attempts
        self.transport = transport
        self.payload = payload
    }

    /// Retry class of this failure under the standard mode (what the client already applied).
    public var failureClass: RetryPolicy.FailureClass {
        switch kind {
        case .transport:
            guard let transport, transport.isTransient else { return .permanent }
            return transport.kind == .timedOut ? .timeout : .transient
        case .invalidResponse:
            return code == "CRC32Mismatch" ? .transient : .permanent
        case .authentication, .invalidRequest:
            return .permanent
        case .service:
            let byCode = RetryPolicy.classify(status: status ?? 0, code: code)
            if byCode != .permanent { return byCode }
            return RetryPolicy.classify(status: status ?? 0, code: typeCode)
        }
    }

    /// True when trying again later (e.g. by SQS redelivery) may succeed.
    public var isTransient: Bool { failureClass.isRetryable }

    public var isAuthenticationError: Bool { kind == .authentication }

    public var description: String {
        var s = "\(service) \(operation) failed: \(code)"
        if let status { s += " (HTTP \(status))" }
        if !message.isEmpty { s += ": \(message)" }
        if let requestId { s += " [request id \(requestId)]" }
        if attempts > 1 { s += " after \(attempts) attempts" }
        return s
    }
}

extension AWSError {
    /// Codes that mean "who you are or how you signed is wrong", whatever the status.
    static let authenticationCodes: Set<String> = [
        "SignatureDoesNotMatch", "InvalidClientTokenId", "UnrecognizedClientException", "AccessDenied",
        "AccessDeniedException", "IncompleteSignature", "InvalidSignatureException", "MissingAuthenticationToken",
        "MissingAuthenticationTokenException", "ExpiredToken", "ExpiredTokenException", "AuthFailure",
        "InvalidAccessKeyId", "InvalidSecurity", "AWS.SimpleQueueService.InvalidSecurity",
    ]
}
