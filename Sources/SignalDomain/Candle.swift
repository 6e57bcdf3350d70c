/// One OHLC candle as the exchange reported it. Prices keep the exchange's exact text (normalised), so a
/// notification prints `0.1867`, never `0.18670000000000001`. The last candle of a window may still be
/// open: its high/low are the extremes so far and its close is the latest price.
public struct Candle: Sendable, Hashable {
    /// Open time, Unix epoch milliseconds (exchange time).
    public var openTime: EpochMillis
    /// Length in milliseconds: 1 000 for 1-second detail, 60 000 for the usual 1-minute candles.
    public var intervalMs: Int64
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price

    public init(openTime: EpochMillis, intervalMs: Int64, open: Price, high: Price, low: Price, close: Price) {
        self.openTime = openTime
        self.intervalMs = intervalMs
        self.open = open
        self.high = high
        self.low = low
        self.close = close
    }

    public init(openTime: EpochMillis, interval: CandleInterval, open: Price, high: Price, low: Price, close: Price) {
        self.init(openTime: openTime, intervalMs: interval.milliseconds, open: open, high: high, low: low, close: close)
    }

    /// The first millisecond after the candle.
    public var closeTime: EpochMillis { openTime + intervalMs }
}

/// Candle lengths the evaluation asks for. Besides 1 s (Binance only, for tie detail) these are the ones
/// all three venues serve: Binance `1m 5m 15m 1h 6h 1d`, Coinbase granularity `60 300 900 3600 21600
/// 86400`, Bybit `1 5 15 60 360 D`. All are aligned to the Unix epoch, i.e. to UTC.
public enum CandleInterval: Int64, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case oneSecond = 1_000
    case oneMinute = 60_000
    case fiveMinutes = 300_000
    case fifteenMinutes = 900_000
    case oneHour = 3_600_000
    case sixHours = 21_600_000
    case oneDay = 86_400_000

    public var milliseconds: Int64 { rawValue }
    public var seconds: Int64 { rawValue / 1000 }

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

    /// The coarser intervals a long window may use, finest first.
    static let coarse: [CandleInterval] = [.fiveMinutes, .fifteenMinutes, .oneHour, .sixHours, .oneDay]

    /// Start of the candle of this interval that contains `t`.
    public func floor(_ t: EpochMillis) -> EpochMillis { UTCTime.floorDiv(t, rawValue) * rawValue }

    /// The first candle start at or after `t`.
    public func ceil(_ t: EpochMillis) -> EpochMillis {
        let f = floor(t)
        return f == t ? t : f + rawValue
    }
}
