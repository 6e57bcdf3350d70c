import CurlHTTP
import SignalDomain

/// Bybit v5 public market data: `GET /v5/market/kline`, `GET /v5/market/tickers`, always `category=spot`
/// (kline defaults to linear perpetuals otherwise). `result.list` is newest first,
/// `[startTime, open, high, low, close, volume, turnover]` as strings; errors come as HTTP 200 with
/// `retCode ≠ 0`.
public struct BybitAPI: VenueAPI {
    public let baseURL: String
    public var venue: Venue { .bybit }
    public var maxCandlesPerCall: Int { 1000 }

    public init(baseURL: String = "https://api.bybit.com") {
        self.baseURL = BybitAPI.trimmed(baseURL)
    }

    public func supports(_ interval: CandleInterval) -> Bool { interval != .oneSecond }

    public var successNeedsJSON: Bool { true }

    static func name(_ interval: CandleInterval) -> String {
        switch interval {
        case .oneSecond: return "1"  // not offered; `supports` keeps it from being asked for
        case .oneMinute: return "1"
        case .fiveMinutes: return "5"
        case .fifteenMinutes: return "15"
        case .oneHour: return "60"
        case .sixHours: return "360"
        case .oneDay: return "D"
        }
    }

    public func candlesRequest(
        _ market: MarketSymbol, interval: CandleInterval, start: EpochMillis, end: EpochMillis, limit: Int
    ) -> HTTPRequest {
        let q = ResponseText.query([
            ("category", "spot"), ("symbol", market.symbol(on: .bybit)), ("interval", BybitAPI.name(interval)),
            ("start", String(start)), ("end", String(end)), ("limit", String(limit)),
        ])
        return HTTPRequest(url: "\(baseURL)/v5/market/kline?\(q)")
    }

    public func priceRequest(_ market: MarketSymbol) -> HTTPRequest {
        let q = ResponseText.query([("category", "spot"), ("symbol", market.symbol(on: .bybit))])
        return HTTPRequest(url: "\(baseURL)/v5/market/tickers?\(q)")
    }

    public func timeRequest() -> HTTPRequest { HTTPRequest(url: "\(baseURL)/v5/market/time") }

    /// `{"retCode":0,"retMsg":"OK","result":{"timeSecond":"1688639403","timeNano":"1688639403423213947"},"time":1688639403423}`
    public func parseTime(_ body: JSONValue) -> EpochMillis? {
        if let nano = body["result"]?["timeNano"]?.stringValue, let n = Int64(nano) { return n / 1_000_000 }
        return ResponseText.int64(body["time"])
    }

    public func parseCandles(_ body: JSONValue, interval: CandleInterval) -> [Candle]? {
        ResponseText.candles(body["result"]?["list"]?.arrayValue, timeScale: 1, order: (1, 2, 3, 4), interval: interval)
    }

    public func parsePrice(_ body: JSONValue) -> Price? {
        ResponseText.price(body["result"]?["list"]?[0]?["lastPrice"])
    }

    public func serverTime(_ response: HTTPResponse, body: JSONValue?) -> EpochMillis? {
        ResponseText.int64(body?["time"]) ?? response.headers["Date"].flatMap(HTTPDate.parse)
    }

    public func failure(_ response: HTTPResponse, body: JSONValue?, symbol: String) -> VenueFailure? {
        let status = response.status
        let retMsg = body?["retMsg"]?.stringValue ?? ResponseText.excerpt(response)
        switch status {
        case 200..<300:
            guard let retCode = body?["retCode"]?.intValue else { return nil }
            switch retCode {
            case 0: return nil
            case 10006, 10018:  // too many visits / IP rate limit
                let reset = response.headers["X-Bapi-Limit-Reset-Timestamp"].flatMap { Int64($0) }
                let now = serverTime(response, body: body)
                let wait = reset.flatMap { r in now.map { min(max(0, r &- $0), 86_400_000) } }
                return .rateLimited(retryAfterMs: wait, "\(retCode) \(retMsg)")
            case 10000, 10016:  // server timeout / server error
                return .serverError("\(retCode) \(retMsg)")
            default:
                return .unknownSymbol("\(retCode) \(retMsg)")
            }
        case 403:
            // Bybit answers its IP rate limit with 403 "access too frequent" and asks for ≥ 10 minutes of quiet.
            let text = String(decoding: response.body.prefix(4096), as: UTF8.self).lowercased()
            if text.contains("too frequent") { return .rateLimited(retryAfterMs: 600_000, retMsg) }
            return ResponseText.looksGeoBlocked(response) ? .blocked(retMsg) : .rejected(retMsg)
        case 451: return .blocked(retMsg)
        case 429: return .rateLimited(retryAfterMs: ResponseText.retryAfterMs(response), retMsg)
        case 500...599: return .serverError(retMsg)
        default: return .rejected(retMsg)
        }
    }
}
