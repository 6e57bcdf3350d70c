/// One thing that happened to a signal and deserves exactly one notification (SPEC §3, §5).
public struct SignalEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case above, below, pctUp, pctDown
        case entry
        /// The n-th take-profit, from 1, in order of distance from entry.
        case takeProfit(Int)
        case stopLoss

        /// The event name before any repeat suffix: `above`, `pct_up`, `entry`, `tp2`, `sl`.
        public var name: String {
            switch self {
            case .above: return "above"
            case .below: return "below"
            case .pctUp: return "pct_up"
            case .pctDown: return "pct_down"
            case .entry: return "entry"
            case .takeProfit(let n): return "tp\(n)"
            case .stopLoss: return "sl"
            }
        }
    }

    public var kind: Kind
    /// The event's identity within its arming: the name, plus for repeated signals the check or re-arm
    /// it belongs to: `above` (once), `above@1764100800000` (every: the check's time), `above.3` (a
    /// duration: the third firing), `tp1.2` (long/short repeated: the second trade).
    public var key: String
    public var arming: Int
    /// The level that was reached.
    public var level: Price
    /// The extreme that reached it: the candle's high (or low) as the exchange reported it.
    public var priceReached: Price
    /// Open time of the candle (or 1-second detail candle) in which the level was reached.
    public var reachedAt: EpochMillis
    /// Length of that candle: the level was reached in `[reachedAt, reachedAt + reachedWithinMs)`.
    public var reachedWithinMs: Int64
    /// The last take-profit or the stop-loss: the notification says the trade is closed.
    public var closesTrade: Bool
    /// `pct_up`/`pct_down`: the reference price the percentage is measured from.
    public var reference: Price?
    /// `long`/`short`: how many take-profits the signal has (for "TP1 of 3").
    public var takeProfitCount: Int

    public init(
        kind: Kind, key: String, arming: Int, level: Price, priceReached: Price, reachedAt: EpochMillis,
        reachedWithinMs: Int64, closesTrade: Bool, reference: Price? = nil, takeProfitCount: Int = 0
    ) {
        self.kind = kind
        self.key = key
        self.arming = arming
        self.level = level
        self.priceReached = priceReached
        self.reachedAt = reachedAt
        self.reachedWithinMs = reachedWithinMs
        self.closesTrade = closesTrade
        self.reference = reference
        self.takeProfitCount = takeProfitCount
    }

    /// The DynamoDB sort key of the event item: `EVENT#0003#tp1`.
    public var sortKey: String { SignalEvent.sortKey(arming: arming, key: key) }

    public static func sortKey(arming: Int, key: String) -> String {
        let n = String(arming)
        return "EVENT#" + String(repeating: "0", count: max(0, 4 - n.count)) + n + "#" + key
    }
}
