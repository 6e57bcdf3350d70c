import Base

/// How a client retries, times out and waits. Clock, randomness and sleeping are injected so tests run
/// deterministically and without real waiting.
public struct AWSClientOptions: Sendable {
    public var retryPolicy: RetryPolicy
    /// Default time allowed for one attempt (ms); operations such as a long-poll receive extend it.
    public var timeoutMs: Int
    public var connectTimeoutMs: Int
    public var clock: any WallClock
    /// Values in `[0, 1)` for the backoff jitter.
    public var random: @Sendable () -> Double
    public var sleep: @Sendable (_ milliseconds: Int64) async throws -> Void
    /// Milliseconds left before the caller must be done (e.g. a Lambda invocation's remaining time); nil = none.
    /// `AWSDeadline.current` is consulted as well; the earlier of the two wins.
    public var remainingMs: (@Sendable () -> Int64?)?

    public init(
        retryPolicy: RetryPolicy = .standard, timeoutMs: Int = 10_000, connectTimeoutMs: Int = 3_000,
        clock: any WallClock = SystemClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (_ milliseconds: Int64) async throws -> Void = { ms in
            try await Task.sleep(nanoseconds: UInt64(max(ms, 0)) * 1_000_000)
        },
        remainingMs: (@Sendable () -> Int64?)? = nil
    ) {
        self.retryPolicy = retryPolicy
        self.timeoutMs = timeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.clock = clock
        self.random = random
        self.sleep = sleep
        self.remainingMs = remainingMs
    }

    /// Time left under both the injected closure and the task's `AWSDeadline`, nil when neither is set.
    func remaining() -> Int64? {
        let fromClosure = remainingMs?()
        let fromTask = AWSDeadline.current.map { $0 - clock.nowMillis() }
        switch (fromClosure, fromTask) {
        case let (a?, b?): return min(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        case (nil, nil): return nil
        }
    }
}

/// A wall-clock deadline (epoch ms, as Lambda's `Lambda-Runtime-Deadline-Ms`) for every AWS call made inside
/// `withDeadline`: no retry wait is started that would end past it, and attempts are cut to the time left.
public enum AWSDeadline {
    @TaskLocal public static var current: EpochMillis?

    public static func withDeadline<T>(_ deadline: EpochMillis?, _ body: () async throws -> T) async rethrows -> T {
        try await $current.withValue(deadline, operation: body)
    }
}
