/// What the worker keeps per signal between checks (DynamoDB `SK = STATE`, SPEC §5). The sheet never
/// overwrites it: a new row only replaces it through a fresh start when the levels change.
public struct SignalState: Sendable, Hashable {
    /// Incremented on every save; the worker writes conditionally on the version it read.
    public var version: Int64
    /// `Signal.levelsFingerprint` of the levels this state belongs to.
    public var fingerprint: String
    /// Starts at 1; a fresh start (edited levels) takes the next number. Event keys carry it.
    public var arming: Int
    public var phase: Phase
    /// For `long`/`short` repeated with a duration or `every`: which trade of this arming (from 1).
    public var cycle: Int
    /// `pct_up`/`pct_down`: the close of the last candle at the first check; kept until the levels change.
    public var reference: Price?
    /// When this arming was first checked.
    public var firstCheckedAt: EpochMillis
    /// The end of the previous check's window.
    public var lastCheckedAt: EpochMillis
    /// The still-open 1-minute candle as the previous check saw it. The next window starts with that
    /// candle again; only what happened after the check may count then.
    public var seen: SeenCandle?
    /// Events fired in this arming.
    public var fireCount: Int
    /// When the level of the last event was reached (cooldowns count from its minute).
    public var lastReachedAt: EpochMillis?
    /// The check that fired the last event (`every` fires at most once per check).
    public var lastFiredCheck: EpochMillis?

    public init(
        version: Int64, fingerprint: String, arming: Int, phase: Phase, cycle: Int = 1, reference: Price? = nil,
        firstCheckedAt: EpochMillis, lastCheckedAt: EpochMillis, seen: SeenCandle? = nil, fireCount: Int = 0,
        lastReachedAt: EpochMillis? = nil, lastFiredCheck: EpochMillis? = nil
    ) {
        self.version = version
        self.fingerprint = fingerprint
        self.arming = arming
        self.phase = phase
        self.cycle = cycle
        self.reference = reference
        self.firstCheckedAt = firstCheckedAt
        self.lastCheckedAt = lastCheckedAt
        self.seen = seen
        self.fireCount = fireCount
        self.lastReachedAt = lastReachedAt
        self.lastFiredCheck = lastFiredCheck
    }

    /// The version the worker must find when saving a state evaluated from this one (nil: must not exist).
    public static func expectedVersion(before state: SignalState?) -> Int64? { state?.version }

    /// True when `signal` is not what this state was tracking: its levels were edited (or the stored
    /// lifecycle does not fit its condition), so it starts afresh with a new arming.
    public func startsAfresh(for signal: Signal) -> Bool {
        fingerprint != signal.levelsFingerprint || !phase.fits(signal.condition)
    }
}

/// Where a signal stands. `above`/`below`/`pct_*` use `.level`; `long`/`short` use `.trade`.
public enum Phase: Sendable, Hashable {
    case level(LevelPhase)
    case trade(TradePhase)

    /// The phase a signal starts in at its first check.
    public static func initial(for signal: Signal) -> Phase {
        switch signal.condition {
        case .above, .below, .pctUp, .pctDown: return .level(.watching)
        case .long, .short: return .trade(TradePhase.opening(entry: signal.entry))
        }
    }

    func fits(_ condition: Condition) -> Bool {
        switch (self, condition) {
        case (.level, .above), (.level, .below), (.level, .pctUp), (.level, .pctDown): return true
        case (.trade, .long), (.trade, .short): return true
        case (.level, .long), (.level, .short), (.trade, .above), (.trade, .below), (.trade, .pctUp),
            (.trade, .pctDown):
            return false
        }
    }
}

public enum LevelPhase: Sendable, Hashable {
    /// Armed: the next candle reaching the level fires.
    case watching
    /// Fired (level reached at `reachedAt`). `once` stays here; a duration re-arms after it; `every`
    /// re-arms at the next check.
    case fired(reachedAt: EpochMillis)
}

public enum TradePhase: Sendable, Hashable {
    /// Waiting for the entry level.
    case waitingForEntry
    /// Entered; this many take-profits reached so far.
    case inTrade(takeProfitsHit: Int)
    /// Closed by the last take-profit or by the stop-loss, reached at `reachedAt`.
    case closed(reachedAt: EpochMillis, byStopLoss: Bool)

    /// A blank entry means entered at once, with no `entry` event.
    static func opening(entry: Price?) -> TradePhase { entry == nil ? .inTrade(takeProfitsHit: 0) : .waitingForEntry }
}

/// A 1-minute candle as one check saw it (still open then).
public struct SeenCandle: Sendable, Hashable {
    public var openTime: EpochMillis
    public var high: Price
    public var low: Price
    /// The latest price at that check: where the next window's part of this candle starts.
    public var close: Price

    public init(openTime: EpochMillis, high: Price, low: Price, close: Price) {
        self.openTime = openTime
        self.high = high
        self.low = low
        self.close = close
    }
}
