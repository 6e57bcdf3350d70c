import CurlHTTP
import SignalDomain

/// Binance spot public market data: `GET /api/v3/klines`, `GET /api/v3/ticker/price`
/// (binance-spot-api-docs rest-api.md). Klines are oldest first,
/// `[openTime, open, high, low, close, volume, closeTime, …]` with prices as strings.
public struct BinanceAPI: VenueAPI {
    public let baseURL: String
    public var venue: Venue { .binance }
    public var maxCandlesPerCall: Int { 1000 }

    public init(baseURL: String = "https://api.binance.com") {
        self.baseURL = BinanceAPI.trimmed(baseURL)
    }

    public func supports(_ interval: CandleInterval) -> Bool { true }

    static func name(_ interval: CandleInterval) -> String { interval.description }

    public func candlesRequest(
        _ market: MarketSymbol, interval: CandleInterval, start: EpochMillis, end: EpochMillis, limit: Int
    ) -> HTTPRequest {
        let q = ResponseText.query([
            ("symbol", market.symbol(on: .binance)), ("interval", BinanceAPI.name(interval)),
            ("startTime", String(start)), ("endTime", String(end)), ("limit", String(limit)),
        ])
        return HTTPRequest(url: "\(baseURL)/api/v3/klines?\(q)")
    }

    public func priceRequest(_ market: MarketSymbol) -> HTTPRequest {
        HTTPRequest(url: "\(baseURL)/api/v3/ticker/price?symbol=\(ResponseText.percentEncode(market.symbol(on: .binance)))")
    }

    public func timeRequest() -> HTTPRequest { HTTPRequest(url: "\(baseURL)/api/v3/time") }

    /// `{"serverTime": 1499827319559}`
    public func parseTime(_ body: JSONValue) -> EpochMillis? { ResponseText.int64(body["serverTime"]) }

    public func parseCandles(_ body: JSONValue, interval: CandleInterval) -> [Candle]? {
        ResponseText.candles(body.arrayValue, timeScale: 1, order: (1, 2, 3, 4), interval: interval)
    }

    public func parseCandles(bytes: [UInt8], interval: CandleInterval) -> [Candle]? {
        CandleRows.candles(bytes, timeScale: 1, order: (1, 2, 3, 4), interval: interval)
    }

    public func parsePrice(_ body: JSONValue) -> Price? { ResponseText.price(body["price"]) }

    public func serverTime(_ response: HTTPResponse, body: JSONValue?) -> EpochMillis? {
        response.headers["Date"].flatMap(HTTPDate.parse)
    }

    public func failure(_ response: HTTPResponse, body: JSONValue?, symbol: String) -> VenueFailure? {
        let status = response.status
        if (200..<300).contains(status) { return nil }
        let code = body?["code"]?.intValue
        let msg = body?["msg"]?.stringValue ?? ResponseText.excerpt(response)
        switch status {
        case 451: return .blocked(msg)
        case 429, 418: return .rateLimited(retryAfterMs: ResponseText.retryAfterMs(response), msg)
        case 403:
            // 403 is Binance's WAF (rate or security rule) — or binance.us's CloudFront geo-block.
            return ResponseText.looksGeoBlocked(response) ? .blocked(msg) : .serverError("forbidden: \(msg)")
        case 500...599: return .serverError(msg)
        default:
            // -1121 Invalid symbol; -1100 illegal characters in the symbol.
            if code == -1121 || code == -1100 { return .unknownSymbol(msg) }
            return .rejected(code.map { "\($0) \(msg)" } ?? msg)
        }
    }
}
