import Base

/// The standard mode's retry quota: a token bucket shared by every call of one client, so that when a service is
/// down the client stops multiplying its load by the retry count. Starts full at 500; a retry costs 5 (10 after a
/// timeout); a success refunds what its retry cost, or 1 when it needed none.
public final class RetryQuota: @unchecked Sendable {
    public static let initialTokens = 500
    public static let retryCost = 5
    public static let timeoutRetryCost = 10
    public static let noRetryIncrement = 1

    private let lock = Mutex()
    private let capacity: Int
    private var tokens: Int

    public init(capacity: Int = RetryQuota.initialTokens) {
        self.capacity = capacity
        tokens = capacity
    }

    public var available: Int { lock.withLock { tokens } }

    /// Takes the cost of one retry; nil when the bucket cannot pay (then the error is returned, not retried).
    public func acquire(afterTimeout: Bool) -> Int? {
        let cost = afterTimeout ? RetryQuota.timeoutRetryCost : RetryQuota.retryCost
        return lock.withLock {
            guard tokens >= cost else { return nil }
            tokens -= cost
            return cost
        }
    }

    /// Records a successful call; `lastRetryCost` is what its last retry took (nil when it needed none).
    public func recordSuccess(lastRetryCost: Int?) {
        lock.withLock { tokens = min(capacity, tokens + (lastRetryCost ?? RetryQuota.noRetryIncrement)) }
    }
}
