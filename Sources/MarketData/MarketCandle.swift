import SignalDomain

/// Candle intervals every venue can serve (plus Binance's 1-second klines for tie detail, SPEC §3).
public enum CandleInterval: Int64, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case oneSecond = 1_000
    case oneMinute = 60_000
    case fiveMinutes = 300_000
    case fifteenMinutes = 900_000
    case oneHour = 3_600_000
    case sixHours = 21_600_000
    case oneDay = 86_400_000

    public var milliseconds: Int64 { rawValue }

    public static func < (a: CandleInterval, b: CandleInterval) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .oneSecond: return "1s"
        case .oneMinute: return "1m"
        case .fiveMinutes: return "5m"
        case .fifteenMinutes: return "15m"
        case .oneHour: return "1h"
        case .sixHours: return "6h"
        case .oneDay: return "1d"
        }
    }

    /// The start of the interval containing `ms` (candle APIs return candles opening at or after the start).
    public func floor(_ ms: EpochMillis) -> EpochMillis { UTCTime.floorDiv(ms, rawValue) * rawValue }
}

/// One candle as the venue reported it. Prices keep the venue's decimal text (normalised), so notifications
/// print `0.1867`, never float noise.
public struct MarketCandle: Sendable, Hashable {
    public var openTime: EpochMillis
    public var interval: CandleInterval
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price

    public init(openTime: EpochMillis, interval: CandleInterval, open: Price, high: Price, low: Price, close: Price) {
        self.openTime = openTime
        self.interval = interval
        self.open = open
        self.high = high
        self.low = low
        self.close = close
    }

    public var closeTime: EpochMillis { openTime + interval.rawValue - 1 }
}

/// Candles for one market over a window, oldest first, and the venue's notion of "now".
public struct CandleSeries: Sendable, Hashable {
    /// The venue that answered (may be a fallback venue, SPEC §7).
    public var venue: Venue
    public var market: MarketSymbol
    public var interval: CandleInterval
    public var candles: [MarketCandle]
    /// The exchange's time when it answered (`Date` header / response time, kept within the newest candle).
    public var now: EpochMillis?

    public init(venue: Venue, market: MarketSymbol, interval: CandleInterval, candles: [MarketCandle], now: EpochMillis?) {
        self.venue = venue
        self.market = market
        self.interval = interval
        self.candles = candles
        self.now = now
    }

    /// The last traded price: the close of the newest (possibly still open) candle.
    public var lastPrice: Price? { candles.last?.close }

    /// The candles opening at or after `start`.
    public func since(_ start: EpochMillis) -> [MarketCandle] {
        guard let first = candles.firstIndex(where: { $0.openTime >= start }) else { return [] }
        return Array(candles[first...])
    }
}
