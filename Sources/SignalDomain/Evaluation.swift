/// The outcome of one evaluation.
public struct Evaluation: Sendable {
    /// Events fired, in the order they happened.
    public var events: [SignalEvent]
    /// The state to store (conditionally on the version read); nil when nothing is to be written
    /// (skipped, or waiting for detail).
    public var newState: SignalState?
    /// The evaluation is incomplete: evaluate again with this minute's 1-second candles in `detail`.
    public var needsDetail: EpochMillis?
    /// Not evaluated: the state stays as it is.
    public var skipped: SkipReason?
    /// The window the check covered (for logs).
    public var window: CheckWindow?

    public init(events: [SignalEvent] = [], newState: SignalState? = nil, needsDetail: EpochMillis? = nil,
                skipped: SkipReason? = nil, window: CheckWindow? = nil) {
        self.events = events
        self.newState = newState
        self.needsDetail = needsDetail
        self.skipped = skipped
        self.window = window
    }
}

public enum SkipReason: String, Sendable, Hashable {
    case inactive, expired
}

/// 1-second candles for minutes whose order of events a 1-minute candle cannot tell.
public struct Detail: Sendable {
    /// False for venues without 1-second candles: ties go to the stop-loss without asking.
    public var available: Bool
    /// 1-second candles by the open time of their minute (an empty list: none to be had).
    public var seconds: [EpochMillis: [Candle]]

    public init(available: Bool, seconds: [EpochMillis: [Candle]]) {
        self.available = available
        self.seconds = seconds
    }

    public static let unavailable = Detail(available: false, seconds: [:])
    public static func available(_ seconds: [EpochMillis: [Candle]] = [:]) -> Detail {
        Detail(available: true, seconds: seconds)
    }
}

extension Venue {
    /// Whether the venue serves 1-second candles (Binance `interval=1s`), used to settle ties.
    public var hasSecondCandles: Bool {
        switch self {
        case .binance: return true
        case .coinbase, .bybit: return false
        }
    }
}
