#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The current time, injected wherever a decision depends on it (signers, retry, the domain),
/// so tests can pin it.
public protocol WallClock: Sendable {
    func nowMillis() -> EpochMillis
}

public struct SystemClock: WallClock {
    public init() {}
    public func nowMillis() -> EpochMillis {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return EpochMillis(ts.tv_sec) * 1000 + EpochMillis(ts.tv_nsec / 1_000_000)
    }
}

/// A clock that tests set by hand.
public final class FixedClock: WallClock, @unchecked Sendable {
    private let lock = Mutex()
    private var now: EpochMillis
    public init(_ now: EpochMillis) { self.now = now }
    public func nowMillis() -> EpochMillis { lock.withLock { now } }
    public func set(_ ms: EpochMillis) { lock.withLock { now = ms } }
    public func advance(by ms: EpochMillis) { lock.withLock { now += ms } }
}

/// Monotonic nanoseconds, for measuring durations and deadlines unaffected by wall-clock jumps.
public func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
