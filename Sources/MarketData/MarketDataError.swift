import SignalDomain

/// Why market data could not be had. The kind decides what the worker does (SPEC §5, §7):
/// permanent per-signal, fall back to another venue, or retry the message.
public struct MarketDataError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The venue does not list the symbol (Binance -1121, Coinbase 404, Bybit retCode ≠ 0). Permanent.
        case unknownSymbol
        /// HTTP 451, or 403 naming a restricted location: a deployment-region problem. Try the fallbacks.
        case blocked
        /// No connection or no answer after retries. Try the fallbacks.
        case unreachable
        /// 5xx (or a garbled answer) after retries. Transient: the message is retried, no fallback.
        case unavailable
        /// 429/418 (or Bybit's "too frequent") whose wait does not fit in the time left. Transient.
        case rateLimited
        /// The venue refused the request itself (4xx other than the above). Permanent for this signal.
        case rejected
        /// The venue cannot serve this (e.g. 1-second candles off Binance).
        case unsupported
    }

    public var kind: Kind
    public var venue: Venue
    /// The venue's spelling of the symbol.
    public var symbol: String
    public var status: Int?
    public var detail: String

    public init(_ kind: Kind, venue: Venue, symbol: String, status: Int? = nil, detail: String) {
        self.kind = kind
        self.venue = venue
        self.symbol = symbol
        self.status = status
        self.detail = detail
    }

    /// Retrying the same request later cannot help.
    public var isPermanent: Bool {
        switch kind {
        case .unknownSymbol, .rejected, .unsupported: return true
        case .blocked, .unreachable, .unavailable, .rateLimited: return false
        }
    }

    /// SPEC §7: fall back on a geo-block or an unreachable venue; 5xx and 429 are retried, not fallen back from.
    public var allowsFallback: Bool { kind == .blocked || kind == .unreachable }

    public var description: String {
        let code = status.map { " (HTTP \($0))" } ?? ""
        return "\(venue.displayName) \(symbol): \(kind.rawValue)\(code): \(detail)"
    }
}
