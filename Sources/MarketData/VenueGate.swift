import SignalDomain

/// Per-venue "not before" time shared by every request to that venue for the life of the process, so a
/// 429/418 on one symbol holds back the others too: the limits are per IP, never hammer.
public final class VenueGate: @unchecked Sendable {
    private let lock = Mutex()
    private var notBefore: EpochMillis = 0

    public init() {}

    /// Milliseconds to wait before the next request.
    public func waitMs(now: EpochMillis) -> Int64 {
        lock.withLock { max(0, notBefore - now) }
    }

    public func hold(until: EpochMillis) {
        lock.withLock { notBefore = max(notBefore, until) }
    }
}

/// One gate per venue.
public struct VenueGates: Sendable {
    private let gates: [Venue: VenueGate]
    public init() {
        var g: [Venue: VenueGate] = [:]
        for v in Venue.allCases { g[v] = VenueGate() }
        gates = g
    }
    public subscript(venue: Venue) -> VenueGate { gates[venue]! }
}
