import SignalDomain

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

/// A venue's clock reading, and which venue gave it.
public struct VenueTime: Sendable, Equatable {
    public var venue: Venue
    public var now: EpochMillis
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

    private struct Key: Hashable {
        let venue: Venue
        let market: MarketSymbol
        let interval: CandleInterval
        let from: EpochMillis
        let until: EpochMillis
    }

    private struct DetailKey: Hashable {
        let venue: Venue
        let market: MarketSymbol
        let minute: EpochMillis
    }

    private let lock = Mutex()
    private var answers: [Key: Task<FeedAnswer, any Error>] = [:]
    private var clocks: [Venue: Task<VenueTime, any Error>] = [:]
    private var details: [DetailKey: Task<[Candle]?, Never>] = [:]
    /// Venues found geo-blocked or unreachable during this invocation: not asked again.
    private var passedOver: [Venue: MarketDataError] = [:]
    private var fetches = 0

    public init(sources: [Venue: any MarketDataSource], fallbacks: [Venue]) {
        self.sources = sources
        self.fallbacks = fallbacks
    }

    /// Distinct candle fetches started (each may be several HTTP pages).
    public var fetchesStarted: Int { lock.withLock { fetches } }

    /// The current time on `venue` (or on the fallback that stands in for it), asked once per invocation.
    public func now(_ venue: Venue) async throws -> VenueTime {
        let task: Task<VenueTime, any Error> = lock.withLock {
            if let existing = clocks[venue] { return existing }
            let t = Task { try await self.fetchTime(venue) }
            clocks[venue] = t
            return t
        }
        return try await task.value
    }

    /// Candles opening in [from, until) at `interval` on `venue`, or on the first fallback venue that answers.
    public func candles(
        _ venue: Venue, _ market: MarketSymbol, interval: CandleInterval, from: EpochMillis, until: EpochMillis
    ) async throws -> FeedAnswer {
        let key = Key(venue: venue, market: market, interval: interval, from: from, until: until)
        let task: Task<FeedAnswer, any Error> = lock.withLock {
            if let existing = answers[key] { return existing }
            fetches += 1
            let t = Task { try await self.fetch(key) }
            answers[key] = t
            return t
        }
        return try await task.value
    }

    /// 1-second candles of one minute, where the venue has them (Binance), to order a take-profit and a
    /// stop-loss reached in the same minute (SPEC §3). nil when unavailable for any reason.
    public func secondCandles(_ venue: Venue, _ market: MarketSymbol, minute: EpochMillis) async -> [Candle]? {
        guard let source = sources[venue], source.supports(.oneSecond) else { return nil }
        let open = CandleInterval.oneMinute.floor(minute)
        let key = DetailKey(venue: venue, market: market, minute: open)
        let task: Task<[Candle]?, Never> = lock.withLock {
            if let existing = details[key] { return existing }
            let t = Task<[Candle]?, Never> {
                let s = try? await source.candles(market, interval: .oneSecond, from: open, until: open + 60_000)
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

    private func remembered(_ v: Venue) -> MarketDataError? { lock.withLock { passedOver[v] } }

    private func remember(_ error: MarketDataError) {
        if error.allowsFallback { lock.withLock { passedOver[error.venue] = passedOver[error.venue] ?? error } }
    }

    private func fetchTime(_ venue: Venue) async throws -> VenueTime {
        var attempts: [MarketDataError] = []
        for v in route(venue) {
            if let known = remembered(v) {
                attempts.append(known)
                continue
            }
            guard let source = sources[v] else { continue }
            do {
                return VenueTime(venue: v, now: try await source.serverTime())
            } catch let error as MarketDataError {
                attempts.append(error)
                remember(error)
                if !error.allowsFallback { throw MarketFeedError(attempts: attempts) }
            }
        }
        throw MarketFeedError(attempts: attempts)
    }

    private func fetch(_ key: Key) async throws -> FeedAnswer {
        var attempts: [MarketDataError] = []
        for (index, v) in route(key.venue).enumerated() {
            if let known = remembered(v) {
                attempts.append(
                    MarketDataError(
                        known.kind, venue: v, symbol: key.market.symbol(on: v), status: known.status, detail: known.detail))
                continue
            }
            guard let source = sources[v] else { continue }
            do {
                let series = try await source.candles(key.market, interval: key.interval, from: key.from, until: key.until)
                return FeedAnswer(series: series, requestedVenue: key.venue, passedOver: attempts)
            } catch let error as MarketDataError {
                attempts.append(error)
                remember(error)
                // The signal's own venue: only a block or an unreachable venue moves on. A fallback venue
                // that does not list the pair (or refuses it) is skipped too.
                let isPrimary = index == 0
                if isPrimary ? !error.allowsFallback : !(error.allowsFallback || error.isPermanent) {
                    throw MarketFeedError(attempts: attempts)
                }
            }
        }
        throw MarketFeedError(attempts: attempts)
    }
}
