/// The AWS SDKs' "standard" retry mode as a pure value: which failures are worth another attempt, and how long
/// to wait before it. Randomness and the time left are passed in, so every decision is reproducible in tests.
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first one included.
    public var maxAttempts: Int
    /// Full jitter: `random * min(base * 2^(attempt-1), maxBackoff)`.
    public var baseDelayMs: Int64
    public var maxBackoffMs: Int64

    public init(maxAttempts: Int = 3, baseDelayMs: Int64 = 1000, maxBackoffMs: Int64 = 20_000) {
        precondition(maxAttempts >= 1, "at least one attempt")
        self.maxAttempts = maxAttempts
        self.baseDelayMs = baseDelayMs
        self.maxBackoffMs = maxBackoffMs
    }

    public static let standard = RetryPolicy()

    /// How a failed attempt is judged.
    public enum FailureClass: Sendable, Equatable {
        /// 500/502/503/504, a connection failure, a transient error code, a bad response checksum.
        case transient
        /// The request timed out: retried, but costs the quota twice as much.
        case timeout
        /// 429 or a throttling error code.
        case throttling
        /// The caller's fault (4xx: validation, auth, a failed condition…) or not known to be safe: stop.
        case permanent

        public var isRetryable: Bool { self != .permanent }
    }

    public enum Decision: Sendable, Equatable {
        case retry(afterMs: Int64)
        case stop
    }

    /// - Parameters:
    ///   - attempt: the 1-based number of the attempt that just failed.
    ///   - random: a value in `[0, 1)`.
    ///   - remainingMs: time left before the caller's deadline, nil when there is none. A wait that would end
    ///     at or past the deadline is not started: the error is returned instead.
    public func decide(_ failure: FailureClass, attempt: Int, random: Double, remainingMs: Int64?) -> Decision {
        guard failure.isRetryable, attempt < maxAttempts else { return .stop }
        let delay = backoffMs(attempt: attempt, random: random)
        if let remainingMs, delay >= remainingMs { return .stop }
        return .retry(afterMs: delay)
    }

    /// `random * min(base * 2^(attempt-1), cap)`; attempt 1 → up to 1 s, 2 → up to 2 s, … capped at 20 s.
    public func backoffMs(attempt: Int, random: Double) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(baseDelayMs * (Int64(1) << Int64(exponent)), maxBackoffMs)
        let r = min(max(random, 0), 1)
        return Int64((Double(ceiling) * r).rounded(.down))
    }

    // MARK: - Classification

    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
        // SQS's query-compatible codes for the same conditions.
        "AWS.SimpleQueueService.RequestThrottled", "RequestThrottledException",
    ]

    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError",
        "InternalFailure", "InternalServerError", "ServiceUnavailable", "ReplicatedWriteConflictException",
        "IDPCommunicationError",
    ]

    public static let transientStatuses: Set<Int> = [500, 502, 503, 504]

    /// Classifies a service's error response. The code wins over the status (a 400 `ThrottlingException`
    /// is throttling; a 400 `ValidationException` is permanent).
    public static func classify(status: Int, code: String?) -> FailureClass {
        if let code {
            if throttlingCodes.contains(code) { return .throttling }
            if transientCodes.contains(code) { return .transient }
        }
        if status == 429 { return .throttling }
        if transientStatuses.contains(status) { return .transient }
        return .permanent
    }
}
