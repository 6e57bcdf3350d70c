import CurlHTTP
import SignalDomain

/// Coinbase Exchange public market data: `GET /products/{id}/candles`, `GET /products/{id}/ticker`.
/// Candles are newest first, `[time, low, high, open, close, volume]` as numbers (seconds, prices);
/// granularity 60/300/900/3600/21600/86400; ≤ 300 per call; intervals without trades have no candle.
public struct CoinbaseAPI: VenueAPI {
    public let baseURL: String
    public var venue: Venue { .coinbase }
    public var maxCandlesPerCall: Int { 300 }

    public init(baseURL: String = "https://api.exchange.coinbase.com") {
        self.baseURL = CoinbaseAPI.trimmed(baseURL)
    }

    public func supports(_ interval: CandleInterval) -> Bool { interval != .oneSecond }

    private func productPath(_ market: MarketSymbol) -> String {
        "\(baseURL)/products/\(ResponseText.percentEncode(market.symbol(on: .coinbase)))"
    }

    public func candlesRequest(
        _ market: MarketSymbol, interval: CandleInterval, start: EpochMillis, end: EpochMillis, limit: Int
    ) -> HTTPRequest {
        // Times as ISO 8601 (the documented form), whole seconds.
        let q = ResponseText.query([
            ("granularity", String(interval.rawValue / 1000)),
            ("start", UTCTime.format(UTCTime.floorDiv(start, 1000) * 1000)),
            ("end", UTCTime.format(UTCTime.floorDiv(end, 1000) * 1000)),
        ])
        return HTTPRequest(url: "\(productPath(market))/candles?\(q)")
    }

    public func priceRequest(_ market: MarketSymbol) -> HTTPRequest {
        HTTPRequest(url: "\(productPath(market))/ticker")
    }

    public func timeRequest() -> HTTPRequest { HTTPRequest(url: "\(baseURL)/time") }

    /// `{"iso": "2015-01-07T23:47:25.201Z", "epoch": 1420674445.201}`
    public func parseTime(_ body: JSONValue) -> EpochMillis? {
        if let iso = body["iso"]?.stringValue, let t = UTCTime.parseISO8601(iso) { return t }
        guard let epoch = body["epoch"]?.doubleValue, epoch.isFinite, epoch > 0, epoch < 1e11 else { return nil }
        return EpochMillis((epoch * 1000).rounded())
    }

    public func parseCandles(_ body: JSONValue, interval: CandleInterval) -> [Candle]? {
        // [time, low, high, open, close]
        ResponseText.candles(body.arrayValue, timeScale: 1000, order: (3, 2, 1, 4), interval: interval)
    }

    public func parseCandles(bytes: [UInt8], interval: CandleInterval) -> [Candle]? {
        // [time, low, high, open, close]
        CandleRows.candles(bytes, timeScale: 1000, order: (3, 2, 1, 4), interval: interval)
    }

    public func parsePrice(_ body: JSONValue) -> Price? { ResponseText.price(body["price"]) }

    public func serverTime(_ response: HTTPResponse, body: JSONValue?) -> EpochMillis? {
        response.headers["Date"].flatMap(HTTPDate.parse)
    }

    public func failure(_ response: HTTPResponse, body: JSONValue?, symbol: String) -> VenueFailure? {
        let status = response.status
        if (200..<300).contains(status) { return nil }
        let msg = body?["message"]?.stringValue ?? ResponseText.excerpt(response)
        switch status {
        case 404: return .unknownSymbol(msg)
        case 451: return .blocked(msg)
        case 403: return ResponseText.looksGeoBlocked(response) ? .blocked(msg) : .rejected(msg)
        case 429: return .rateLimited(retryAfterMs: ResponseText.retryAfterMs(response), msg)
        case 500...599: return .serverError(msg)
        default: return .rejected(msg)
        }
    }
}
