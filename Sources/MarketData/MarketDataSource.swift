import SignalDomain

/// One venue's market data: candles over a window, the newest candle, the last price.
/// Errors are always `MarketDataError`.
public protocol MarketDataSource: Sendable {
    var venue: Venue { get }
    func supports(_ interval: CandleInterval) -> Bool
    /// Candles opening in [from, to] at `interval`, oldest first, paged as the venue requires.
    func candles(_ market: MarketSymbol, interval: CandleInterval, from: EpochMillis, to: EpochMillis) async throws
        -> CandleSeries
    /// The newest 1-minute candle (still open), for a signal's first check (SPEC §3).
    func latestCandle(_ market: MarketSymbol) async throws -> CandleSeries
    func lastPrice(_ market: MarketSymbol) async throws -> Price
}

/// Which candles a check needs: the finest interval whose window fits in 24 h worth of 1-minute candles
/// (SPEC §3: longer windows may use coarser candles — their highs and lows still hold every extreme).
public struct CandlePlan: Sendable, Hashable {
    public var interval: CandleInterval
    /// The open of the candle containing the window's start (candle APIs return candles opening at or
    /// after the start, so round down).
    public var from: EpochMillis

    /// Most candles a window may span before a coarser interval is used: 24 h of 1-minute candles, plus the
    /// minute containing the previous check.
    public static let maxCandles: Int64 = 1441
    static let coarser: [CandleInterval] = [.fiveMinutes, .fifteenMinutes, .oneHour, .sixHours, .oneDay]

    public init(interval: CandleInterval, from: EpochMillis) {
        self.interval = interval
        self.from = from
    }

    /// The plan for a window from `start` to about `now` (the local clock's estimate of the exchange's time).
    public static func window(from start: EpochMillis, now: EpochMillis) -> CandlePlan {
        for interval in [CandleInterval.oneMinute] + coarser {
            let from = interval.floor(start)
            if (now - from) / interval.rawValue < maxCandles { return CandlePlan(interval: interval, from: from) }
        }
        // Older than ~4 years: the last 1441 days are plenty.
        let day = CandleInterval.oneDay
        return CandlePlan(interval: day, from: day.floor(now) - (maxCandles - 1) * day.rawValue)
    }
}
