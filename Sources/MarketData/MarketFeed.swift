import SignalDomain

/// What a signal's check asks for: candles since its window start, or (first check) the newest candle.
public enum CandleQuery: Sendable, Hashable {
    case latest
    case window(CandlePlan)
}

/// Candles as answered, and the venues passed over on the way (geo-blocked, unreachable, not listing it).
public struct FeedAnswer: Sendable {
    public var series: CandleSeries
    /// The venue the signal names.
    public var requestedVenue: Venue
    /// Why earlier venues in the fallback order did not answer.
    public var passedOver: [MarketDataError]

    public var answeredVenue: Venue { series.venue }
    public var usedFallback: Bool { series.venue != requestedVenue }
}

/// No venue answered. Permanent when every venue tried refused for good (blocked or not listing the
/// pair, or rejecting the request); transient otherwise (a 5xx, 429 or unreachable venue may recover).
public struct MarketFeedError: Error, Sendable, CustomStringConvertible {
    public var attempts: [MarketDataError]

    public var isPermanent: Bool {
        !attempts.isEmpty && attempts.allSatisfy { $0.isPermanent || $0.kind == .blocked }
    }

    public var description: String {
        if attempts.count == 1 { return attempts[0].description }
        return "no venue answered: " + attempts.map(\.description).joined(separator: "; ")
    }
}

/// Market data for one invocation: routes each request to the signal's venue or, when that one is
/// geo-blocked or unreachable, to `FALLBACK_EXCHANGES` in order with the same base and quote (SPEC §7);
/// fetches each (venue, symbol, window) once however many signals share it, coalescing concurrent asks.
public final class MarketFeed: @unchecked Sendable {
    private let sources: [Venue: any MarketDataSource]
    private let fallbacks: [Venue]
    private let clock: any WallClock
    /// Slack past the local clock's "now" when asking for the window's end, in case the exchange's clock
    /// runs ahead of ours.
    static let endSlackMs: Int64 = 180_000

    private struct Key: Hashable {
        let venue: Venue
        let market: MarketSymbol
        let query: CandleQuery
    }

    private struct DetailKey: Hashable {
        let venue: Venue
        let market: MarketSymbol
        let minute: EpochMillis
    }

    private let lock = Mutex()
    private var answers: [Key: Task<FeedAnswer, any Error>] = [:]
    private var details: [DetailKey: Task<[MarketCandle]?, Never>] = [:]
    /// Venues found geo-blocked during this invocation: not asked again.
    private var blocked: [Venue: MarketDataError] = [:]
    private var requestCount = 0

    public init(sources: [Venue: any MarketDataSource], fallbacks: [Venue], clock: any WallClock) {
        self.sources = sources
        self.fallbacks = fallbacks
        self.clock = clock
    }

    /// The plan for a window starting at `start`, by the local clock's estimate of now.
    public func plan(since start: EpochMillis) -> CandlePlan {
        CandlePlan.window(from: start, now: clock.nowMillis())
    }

    /// Number of distinct candle fetches started (for the benchmark's requests-per-signal count).
    public var fetchesStarted: Int { lock.withLock { requestCount } }

    /// The candles for a query on `venue`, or on the first fallback venue that answers.
    public func candles(_ venue: Venue, _ market: MarketSymbol, _ query: CandleQuery) async throws -> FeedAnswer {
        let key = Key(venue: venue, market: market, query: query)
        let task: Task<FeedAnswer, any Error> = lock.withLock {
            if let existing = answers[key] { return existing }
            requestCount += 1
            let t = Task { try await self.fetch(venue, market, query) }
            answers[key] = t
            return t
        }
        return try await task.value
    }

    /// 1-second candles of one minute, where the venue has them (Binance), to order a take-profit and a
    /// stop-loss reached in the same minute (SPEC §3). nil when unavailable for any reason.
    public func secondCandles(_ venue: Venue, _ market: MarketSymbol, minute: EpochMillis) async -> [MarketCandle]? {
        guard let source = sources[venue], source.supports(.oneSecond) else { return nil }
        let open = CandleInterval.oneMinute.floor(minute)
        let key = DetailKey(venue: venue, market: market, minute: open)
        let task: Task<[MarketCandle]?, Never> = lock.withLock {
            if let existing = details[key] { return existing }
            let t = Task<[MarketCandle]?, Never> {
                let s = try? await source.candles(market, interval: .oneSecond, from: open, to: open + 59_999)
                return s?.candles
            }
            details[key] = t
            return t
        }
        return await task.value
    }

    /// The venues to try, in order: the signal's own, then the fallbacks (once each).
    func route(_ venue: Venue) -> [Venue] {
        var order = [venue]
        for v in fallbacks where !order.contains(v) { order.append(v) }
        return order
    }

    private func fetch(_ venue: Venue, _ market: MarketSymbol, _ query: CandleQuery) async throws -> FeedAnswer {
        var attempts: [MarketDataError] = []
        for (index, v) in route(venue).enumerated() {
            if let known = lock.withLock({ blocked[v] }) {
                attempts.append(
                    MarketDataError(.blocked, venue: v, symbol: market.symbol(on: v), status: known.status, detail: known.detail))
                continue
            }
            guard let source = sources[v] else { continue }
            do {
                let series: CandleSeries
                switch query {
                case .latest:
                    series = try await source.latestCandle(market)
                case .window(let plan):
                    series = try await source.candles(
                        market, interval: plan.interval, from: plan.from, to: clock.nowMillis() + Self.endSlackMs)
                }
                return FeedAnswer(series: series, requestedVenue: venue, passedOver: attempts)
            } catch let error as MarketDataError {
                attempts.append(error)
                if error.kind == .blocked { lock.withLock { blocked[v] = error } }
                let isPrimary = index == 0
                // The signal's own venue: only a block or an unreachable venue moves on. A fallback venue
                // that does not list the pair (or refuses it) is skipped too.
                if isPrimary ? !error.allowsFallback : !(error.allowsFallback || error.isPermanent) {
                    throw MarketFeedError(attempts: attempts)
                }
            }
        }
        throw MarketFeedError(attempts: attempts)
    }
}
