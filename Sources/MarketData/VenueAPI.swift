import CurlHTTP
import SignalDomain

/// The pure half of a venue adapter: builds requests and reads responses, no I/O (STYLE §2).
/// `VenueMarketData` does the sending, paging and retrying for every venue alike.
public protocol VenueAPI: Sendable {
    var venue: Venue { get }
    /// Most candles one call may return.
    var maxCandlesPerCall: Int { get }
    func supports(_ interval: CandleInterval) -> Bool

    /// Candles opening in [start, end] (both inclusive, ms), at most `limit` of them.
    func candlesRequest(_ market: MarketSymbol, interval: CandleInterval, start: EpochMillis, end: EpochMillis, limit: Int)
        -> HTTPRequest
    func priceRequest(_ market: MarketSymbol) -> HTTPRequest
    /// The venue's clock (`/api/v3/time`, `/time`, `/v5/market/time`).
    func timeRequest() -> HTTPRequest
    func parseTime(_ body: JSONValue) -> EpochMillis?

    /// The candles of a successful response, in any order (the caller sorts).
    func parseCandles(_ body: JSONValue, interval: CandleInterval) -> [Candle]?
    /// The same straight from the bytes, skipping the JSON tree (nil: use `parseCandles` on the JSON).
    func parseCandles(bytes: [UInt8], interval: CandleInterval) -> [Candle]?
    /// Whether a 2xx answer must be read as JSON to know it succeeded (Bybit's `retCode`).
    var successNeedsJSON: Bool { get }
    func parsePrice(_ body: JSONValue) -> Price?
    /// The venue's clock as the response states it, if it does.
    func serverTime(_ response: HTTPResponse, body: JSONValue?) -> EpochMillis?

    /// nil when the response is a success; otherwise what went wrong.
    func failure(_ response: HTTPResponse, body: JSONValue?, symbol: String) -> VenueFailure?
}

/// A response's failure before retry policy is applied.
public enum VenueFailure: Sendable, Equatable {
    case unknownSymbol(String)
    case blocked(String)
    case serverError(String)
    /// Wait this long before asking again (nil: the venue did not say).
    case rateLimited(retryAfterMs: Int64?, String)
    case rejected(String)
}

extension VenueAPI {
    public var successNeedsJSON: Bool { false }
    public func parseCandles(bytes: [UInt8], interval: CandleInterval) -> [Candle]? { nil }

    /// The base URL without a trailing slash.
    static func trimmed(_ base: String) -> String {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        return b
    }
}

// MARK: - Shared response reading

enum ResponseText {
    /// A short, single-line excerpt of a body for error messages (venue bodies carry no secrets).
    static func excerpt(_ response: HTTPResponse, max: Int = 200) -> String {
        var s = String(decoding: response.body.prefix(max * 2), as: UTF8.self)
        s = String(s.map { $0.isNewline ? " " : $0 })
        if s.count > max { s = String(s.prefix(max)) + "…" }
        return s
    }

    /// Whether a 403 body reads as a geo-block ("restricted location", CloudFront "block access from your country").
    static func looksGeoBlocked(_ response: HTTPResponse) -> Bool {
        let text = String(decoding: response.body.prefix(4096), as: UTF8.self).lowercased()
        return ["restricted location", "your country", "country", "region", "location", "jurisdiction", "eligibility"]
            .contains { text.contains($0) }
    }

    /// `Retry-After` in milliseconds: delta-seconds, or an HTTP-date relative to the response's `Date`.
    static func retryAfterMs(_ response: HTTPResponse) -> Int64? {
        guard let raw = response.headers["Retry-After"]?.trimmingSpaces() else { return nil }
        // Capped at a day: a hostile or garbled header must not overflow the arithmetic that follows.
        if let s = Int64(raw), s >= 0 { return min(s, 86_400) * 1000 }
        if let at = HTTPDate.parse(raw), let now = response.headers["Date"].flatMap(HTTPDate.parse) {
            return min(max(0, at - now), 86_400_000)
        }
        return nil
    }

    /// Query string from ordered pairs; values here are symbols, numbers and ISO times.
    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    static func percentEncode(_ s: String) -> String { PercentEncoding.encode(s) }

    /// Candles from parsed rows `[time, …prices]`; `order` gives the columns of open, high, low and close,
    /// `timeScale` turns the venue's time unit into ms. nil when any row is malformed.
    static func candles(
        _ rows: [JSONValue]?, timeScale: Int64, order: (Int, Int, Int, Int), interval: CandleInterval
    ) -> [Candle]? {
        guard let rows else { return nil }
        var out: [Candle] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            guard let r = row.arrayValue, r.count >= 5, let t = int64(r[0]),
                let o = price(r[order.0]), let h = price(r[order.1]), let l = price(r[order.2]), let c = price(r[order.3])
            else { return nil }
            out.append(Candle(openTime: t * timeScale, interval: interval, open: o, high: h, low: l, close: c))
        }
        return out
    }

    /// A price from a JSON string or number, keeping the literal text.
    static func price(_ v: JSONValue?) -> Price? {
        switch v {
        case .string(var s)?: return s.withUTF8 { Price(utf8: $0) }
        case .number(var n)?: return n.withUTF8 { Price(utf8: $0) }
        default: return nil
        }
    }

    /// Integer milliseconds from a JSON number or numeric string.
    static func int64(_ v: JSONValue?) -> Int64? {
        switch v {
        case .string(let s)?: return Int64(s)
        case .number?: return v?.int64Value
        default: return nil
        }
    }
}
