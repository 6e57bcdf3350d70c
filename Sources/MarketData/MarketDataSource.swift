import SignalDomain

/// One venue's market data: its clock, candles over a window, the last price. Errors are always
/// `MarketDataError`.
public protocol MarketDataSource: Sendable {
    var venue: Venue { get }
    func supports(_ interval: CandleInterval) -> Bool
    /// The venue's current time (SPEC §3: times come from the exchange).
    func serverTime() async throws -> EpochMillis
    /// Candles opening in [from, until) at `interval`, oldest first, paged as the venue requires.
    func candles(_ market: MarketSymbol, interval: CandleInterval, from: EpochMillis, until: EpochMillis) async throws
        -> CandleSeries
    func lastPrice(_ market: MarketSymbol) async throws -> Price
}
