@_exported import Base

/// The signal model shared by the reader (which builds it from sheet rows, SPEC §2) and the worker
/// (which receives it in a message, SPEC §4, and evaluates it, SPEC §3).

public enum Venue: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case binance, coinbase, bybit

    public init?(name: String) {
        self.init(rawValue: name.trimmingSpaces().lowercased())
    }

    public var description: String { rawValue }

    /// The name a trader reads in a notification.
    public var displayName: String {
        switch self {
        case .binance: return "Binance"
        case .coinbase: return "Coinbase"
        case .bybit: return "Bybit"
        }
    }
}

public enum Condition: String, Sendable, Hashable, CaseIterable {
    case above, below
    case pctUp = "pct_up"
    case pctDown = "pct_down"
    case long, short

    /// Accepts the canonical names and SPEC §2's aliases, case-insensitively.
    public init?(name: String) {
        switch name.trimmingSpaces().lowercased().replacingSpacesAndDashes() {
        case "above", ">", ">=", "cross_up": self = .above
        case "below", "<", "<=", "cross_down": self = .below
        case "pct_up": self = .pctUp
        case "pct_down": self = .pctDown
        case "long": self = .long
        case "short": self = .short
        default: return nil
        }
    }
}

/// A market as base and quote asset. Rendered per venue: Binance/Bybit `BTCUSDT`, Coinbase `BTC-USDT`.
/// USDT is never treated as USD: the quote is carried as written.
public struct MarketSymbol: Sendable, Hashable, CustomStringConvertible {
    public let base: String
    public let quote: String

    public init(base: String, quote: String) {
        self.base = base.uppercased()
        self.quote = quote.uppercased()
    }

    /// Quote assets recognised at the end of a run-together symbol (`1000PEPEUSDT`), longest first.
    public static let knownQuotes = [
        "FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USDE", "DAI", "USD", "EUR", "GBP", "TRY", "BRL", "JPY", "AUD",
        "BTC", "ETH", "BNB", "SOL",
    ]

    /// Parses `BTCUSDT`, `BTC-USD`, `BTC/USDT`, `btc_usdt`. nil when base and quote cannot be told apart.
    public init?(parsing raw: String) {
        let s = raw.trimmingSpaces().uppercased()
        guard !s.isEmpty, s.utf8.count <= 40 else { return nil }
        for sep in ["/", "-", "_", ":"] where s.contains(sep) {
            let parts = s.split(separator: Character(sep), omittingEmptySubsequences: false)
            guard parts.count == 2, MarketSymbol.isAsset(parts[0]), MarketSymbol.isAsset(parts[1]) else { return nil }
            self.init(base: String(parts[0]), quote: String(parts[1]))
            return
        }
        guard MarketSymbol.isAsset(Substring(s)) else { return nil }
        for q in MarketSymbol.knownQuotes where s.hasSuffix(q) && s.count > q.count {
            self.init(base: String(s.dropLast(q.count)), quote: q)
            return
        }
        return nil
    }

    static func isAsset(_ s: Substring) -> Bool {
        !s.isEmpty && s.count <= 20 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }
    }

    /// The venue's own spelling of this market.
    public func symbol(on venue: Venue) -> String {
        switch venue {
        case .binance, .bybit: return base + quote
        case .coinbase: return base + "-" + quote
        }
    }

    /// The market's page on the venue, for the notification's `url`.
    public func tradeURL(on venue: Venue) -> String {
        switch venue {
        case .binance: return "https://www.binance.com/en/trade/\(base)_\(quote)"
        case .coinbase: return "https://exchange.coinbase.com/trade/\(base)-\(quote)"
        case .bybit: return "https://www.bybit.com/en/trade/spot/\(base)/\(quote)"
        }
    }

    public var description: String { base + "/" + quote }
}

/// How often a signal may fire (SPEC §3 `repeat`).
public enum Repeat: Sendable, Hashable, CustomStringConvertible {
    case once
    case every
    /// Re-arm this many seconds after the level was reached.
    case cooldown(seconds: Int64)

    /// `once`, `every`, or a duration `30m`, `4h`, `1d`, `90s`, `2w` (case-insensitive, blank = once).
    public init?(text: String) {
        let t = text.trimmingSpaces().lowercased()
        switch t {
        case "", "once": self = .once
        case "every", "always": self = .every
        default:
            guard let unit = t.last, let n = Int64(t.dropLast().trimmingSpaces()), n > 0, n <= 1_000_000 else {
                return nil
            }
            let mult: Int64
            switch unit {
            case "s": mult = 1
            case "m": mult = 60
            case "h": mult = 3600
            case "d": mult = 86400
            case "w": mult = 604_800
            default: return nil
            }
            self = .cooldown(seconds: n * mult)
        }
    }

    /// The canonical text carried in messages: `once`, `every`, or the cooldown in the largest whole unit.
    public var description: String {
        switch self {
        case .once: return "once"
        case .every: return "every"
        case .cooldown(let s):
            if s % 604_800 == 0 { return "\(s / 604_800)w" }
            if s % 86400 == 0 { return "\(s / 86400)d" }
            if s % 3600 == 0 { return "\(s / 3600)h" }
            if s % 60 == 0 { return "\(s / 60)m" }
            return "\(s)s"
        }
    }
}

/// One valid signal, normalised. Fields that do not apply to its condition are nil/empty.
public struct Signal: Sendable, Hashable {
    /// Stable identity: the trader's `id`, or a hash of the normalised venue, symbol, condition, levels and user.
    public var id: String
    public var venue: Venue
    public var market: MarketSymbol
    public var condition: Condition
    public var targetPrice: Price?
    public var percent: Price?
    public var entry: Price?
    /// Take-profit levels in order of distance from entry.
    public var takeProfits: [Price]
    public var stopLoss: Price?
    /// The `pushover_user_key` cell as written: a key or an alias (resolved by the worker).
    public var user: String?
    public var priority: Int?
    public var sound: String?
    public var repeatMode: Repeat
    public var expires: EpochMillis?
    public var note: String?

    public init(
        id: String, venue: Venue, market: MarketSymbol, condition: Condition, targetPrice: Price? = nil,
        percent: Price? = nil, entry: Price? = nil, takeProfits: [Price] = [], stopLoss: Price? = nil,
        user: String? = nil, priority: Int? = nil, sound: String? = nil, repeatMode: Repeat = .once,
        expires: EpochMillis? = nil, note: String? = nil
    ) {
        self.id = id
        self.venue = venue
        self.market = market
        self.condition = condition
        self.targetPrice = targetPrice
        self.percent = percent
        self.entry = entry
        self.takeProfits = takeProfits
        self.stopLoss = stopLoss
        self.user = user
        self.priority = priority
        self.sound = sound
        self.repeatMode = repeatMode
        self.expires = expires
        self.note = note
    }

    /// The venue-specific symbol (`BTCUSDT`, `BTC-USD`).
    public var symbol: String { market.symbol(on: venue) }

    /// A fingerprint of what defines the signal's levels: when it changes for the same `id`, the
    /// signal starts afresh (new arming, new reference; SPEC §3).
    public var levelsFingerprint: String {
        var parts = [venue.rawValue, market.description, condition.rawValue]
        parts.append(targetPrice?.text ?? "")
        parts.append(percent?.text ?? "")
        parts.append(entry?.text ?? "")
        parts.append(takeProfits.map(\.text).joined(separator: ","))
        parts.append(stopLoss?.text ?? "")
        return parts.joined(separator: "|")
    }
}
