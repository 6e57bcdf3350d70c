import SignalDomain

/// Candles for one market over a window, oldest first, and the venue's notion of "now".
public struct CandleSeries: Sendable, Hashable {
    /// The venue that answered (may be a fallback venue, SPEC §7).
    public var venue: Venue
    public var market: MarketSymbol
    public var interval: CandleInterval
    public var candles: [Candle]
    /// The exchange's time when it answered (`Date` header / response time, kept within the newest candle).
    public var now: EpochMillis?

    public init(venue: Venue, market: MarketSymbol, interval: CandleInterval, candles: [Candle], now: EpochMillis?) {
        self.venue = venue
        self.market = market
        self.interval = interval
        self.candles = candles
        self.now = now
    }

    /// The last traded price: the close of the newest (possibly still open) candle.
    public var lastPrice: Price? { candles.last?.close }
}
