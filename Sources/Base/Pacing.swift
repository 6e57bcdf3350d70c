/// How a client that retries may spend time: the time left for this piece of work, a way to wait, and a
/// source of jitter. Injected so retry loops are deterministic in tests (no real sleeps) and never wait
/// past a Lambda deadline.
public struct Pacing: Sendable {
    /// Milliseconds this work may still use (already net of whatever the caller keeps in reserve).
    public var remainingMs: @Sendable () -> Int64
    /// Waits about this many milliseconds.
    public var sleep: @Sendable (_ ms: Int64) async -> Void
    /// A number in 0..<1 for jittered backoff.
    public var random: @Sendable () -> Double

    public init(
        remainingMs: @escaping @Sendable () -> Int64,
        sleep: @escaping @Sendable (_ ms: Int64) async -> Void,
        random: @escaping @Sendable () -> Double
    ) {
        self.remainingMs = remainingMs
        self.sleep = sleep
        self.random = random
    }

    /// Real sleeps and randomness, with the time left measured on the monotonic clock from `budgetMs` now.
    public static func live(budgetMs: Int64) -> Pacing {
        let start = monotonicNanos()
        return Pacing(
            remainingMs: { budgetMs - Int64((monotonicNanos() - start) / 1_000_000) },
            sleep: { ms in if ms > 0 { try? await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000) } },
            random: { Double.random(in: 0..<1) }
        )
    }

    /// Exponential backoff for attempt 1, 2, … : base·2^(attempt-1), capped, with "equal jitter" (half fixed,
    /// half random) so concurrent retries spread out.
    public func backoffMs(attempt: Int, baseMs: Int64, capMs: Int64) -> Int64 {
        let exp = min(capMs, baseMs << Int64(min(max(attempt - 1, 0), 20)))
        return exp / 2 + Int64(Double(exp / 2) * random())
    }
}
