/// Why Pushover did not take a message (pushover.net/api "Being friendly"). Details never carry the token
/// or the user key.
public struct PushoverError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// 4xx, or 200 with `status` ≠ 1: the input is wrong (invalid user, bad token, bad sound…).
        /// Do not retry the same request. Permanent.
        case rejected
        /// 429: the monthly message quota is spent. Transient: left to SQS redelivery.
        case quotaExhausted
        /// 5xx, no connection or no reply, after the retries that fit. Transient.
        case unavailable
    }

    public var kind: Kind
    public var status: Int?
    public var detail: String
    /// Pushover's request id, when it answered.
    public var request: String?

    public init(_ kind: Kind, status: Int? = nil, detail: String, request: String? = nil) {
        self.kind = kind
        self.status = status
        self.detail = detail
        self.request = request
    }

    public var isPermanent: Bool { kind == .rejected }

    public var description: String {
        let code = status.map { " (HTTP \($0))" } ?? ""
        switch kind {
        case .rejected: return "Pushover rejected the message\(code): \(detail)"
        case .quotaExhausted: return "Pushover message quota exhausted\(code): \(detail)"
        case .unavailable: return "Pushover unavailable\(code): \(detail)"
        }
    }
}
