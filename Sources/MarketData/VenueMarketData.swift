import CurlHTTP
import SignalDomain

/// The I/O half of every venue adapter: sends the `VenueAPI`'s requests, pages long windows, retries
/// transient failures with jittered backoff within the time left, and honours `Retry-After`.
public struct VenueMarketData<API: VenueAPI>: MarketDataSource {
    public let api: API
    let transport: any HTTPTransport
    let clock: any WallClock
    let pacing: Pacing
    let gate: VenueGate

    /// Attempts per request for 5xx, timeouts and 429s that fit in the time left.
    static var maxAttempts: Int { 3 }
    /// The per-request timeout Binance documents; others are faster.
    static var requestTimeoutMs: Int64 { 10_000 }
    /// Default wait after a 429 that names none.
    static var defaultRateLimitWaitMs: Int64 { 1_000 }

    public init(api: API, transport: any HTTPTransport, clock: any WallClock, pacing: Pacing, gate: VenueGate) {
        self.api = api
        self.transport = transport
        self.clock = clock
        self.pacing = pacing
        self.gate = gate
    }

    public var venue: Venue { api.venue }
    public func supports(_ interval: CandleInterval) -> Bool { api.supports(interval) }

    public func serverTime() async throws -> EpochMillis {
        let (response, body) = try await send(api.timeRequest(), symbol: "-")
        guard let t = api.parseTime(body) else {
            throw MarketDataError(
                .unavailable, venue: venue, symbol: "-", status: response.status,
                detail: "unexpected time data: \(ResponseText.excerpt(response))")
        }
        return t
    }

    public func candles(_ market: MarketSymbol, interval: CandleInterval, from: EpochMillis, until: EpochMillis)
        async throws -> CandleSeries
    {
        let symbol = market.symbol(on: venue)
        guard api.supports(interval) else {
            throw MarketDataError(.unsupported, venue: venue, symbol: symbol, detail: "no \(interval) candles")
        }
        let start = interval.floor(from)
        let step = Int64(api.maxCandlesPerCall) * interval.rawValue
        var all: [Candle] = []
        all.reserveCapacity(Int(min((until - start) / interval.rawValue + 1, 100_000)))
        var serverNow: EpochMillis?
        var pageStart = start
        while pageStart < until {
            let pageEnd = min(pageStart + step, until) - 1
            let request = api.candlesRequest(
                market, interval: interval, start: pageStart, end: pageEnd, limit: api.maxCandlesPerCall)
            let (response, body) = try await send(request, symbol: symbol, needsJSON: false)
            guard let page = api.parseCandles(bytes: response.body, interval: interval)
                ?? (body ?? (try? JSONValue.parse(response.body))).flatMap({ api.parseCandles($0, interval: interval) })
            else {
                throw MarketDataError(
                    .unavailable, venue: venue, symbol: symbol, status: response.status,
                    detail: "unexpected candle data: \(ResponseText.excerpt(response))")
            }
            // Coinbase and Bybit answer newest first: turned page by page, the pages line up oldest first.
            if page.count > 1, page[0].openTime > page[page.count - 1].openTime {
                all.append(contentsOf: page.reversed())
            } else {
                all.append(contentsOf: page)
            }
            serverNow = api.serverTime(response, body: body) ?? serverNow
            pageStart += step
        }
        return series(market, interval: interval, candles: all, from: start, until: until, serverNow: serverNow)
    }

    public func lastPrice(_ market: MarketSymbol) async throws -> Price {
        let symbol = market.symbol(on: venue)
        let (response, body) = try await send(api.priceRequest(market), symbol: symbol)
        guard let price = api.parsePrice(body) else {
            throw MarketDataError(
                .unavailable, venue: venue, symbol: symbol, status: response.status,
                detail: "unexpected ticker data: \(ResponseText.excerpt(response))")
        }
        return price
    }

    /// Sorted, deduplicated candles in [from, until) (Coinbase may return earlier ones), and the venue's now:
    /// its clock as the response states it, kept within the newest candle (a `Date` header from a proxy or
    /// a stand-in with a simulated clock must not contradict the candles).
    func series(
        _ market: MarketSymbol, interval: CandleInterval, candles: [Candle], from: EpochMillis,
        until: EpochMillis, serverNow: EpochMillis?
    ) -> CandleSeries {
        // Venues answer in order (oldest or newest first) and pages follow one another: usually no sort.
        var unique: [Candle]
        if isStrictlyAscending(candles) {
            unique = candles
        } else if isStrictlyDescending(candles) {
            unique = candles.reversed()
        } else {
            var sorted = candles.sorted { $0.openTime < $1.openTime }
            sorted = sorted.enumerated().filter { $0.offset == 0 || sorted[$0.offset - 1].openTime != $0.element.openTime }
                .map(\.element)
            unique = sorted
        }
        if let first = unique.first, let last = unique.last, first.openTime < from || last.openTime >= until {
            unique = unique.filter { $0.openTime >= from && $0.openTime < until }
        }
        var now = serverNow
        if let newest = unique.last {
            now = min(max(serverNow ?? newest.openTime, newest.openTime), newest.closeTime - 1)
        }
        return CandleSeries(venue: venue, market: market, interval: interval, candles: unique, now: now)
    }

    private func isStrictlyAscending(_ c: [Candle]) -> Bool {
        var i = 1
        while i < c.count {
            if c[i].openTime <= c[i - 1].openTime { return false }
            i += 1
        }
        return true
    }

    private func isStrictlyDescending(_ c: [Candle]) -> Bool {
        var i = 1
        while i < c.count {
            if c[i].openTime >= c[i - 1].openTime { return false }
            i += 1
        }
        return true
    }

    // MARK: - Sending with retries

    func send(_ request: HTTPRequest, symbol: String) async throws -> (HTTPResponse, JSONValue) {
        let (response, body) = try await send(request, symbol: symbol, needsJSON: true)
        return (response, body!)
    }

    /// With `needsJSON: false` a successful answer is not parsed as JSON (unless the venue needs it to
    /// tell success), so the caller can read it faster from the bytes.
    func send(_ request: HTTPRequest, symbol: String, needsJSON: Bool) async throws -> (HTTPResponse, JSONValue?) {
        var attempt = 0
        while true {
            attempt += 1
            let gateWait = gate.waitMs(now: clock.nowMillis())
            if gateWait > 0 {
                guard gateWait + 1_000 <= pacing.remainingMs() else {
                    throw MarketDataError(
                        .rateLimited, venue: venue, symbol: symbol,
                        detail: "rate limited; the venue asked for \(gateWait / 1000) s of quiet, more than the time left")
                }
                await pacing.sleep(gateWait)
            }
            var req = request
            req.timeoutMs = Int(max(1_000, min(Self.requestTimeoutMs, pacing.remainingMs())))
            req.connectTimeoutMs = min(req.timeoutMs ?? 3_000, 3_000)
            let response: HTTPResponse
            do {
                response = try await transport.send(req)
            } catch {
                let detail = (error as? HTTPClientError)?.description ?? String(describing: error)
                if await backoff(attempt: attempt) { continue }
                throw MarketDataError(.unreachable, venue: venue, symbol: symbol, detail: detail)
            }
            let success = (200..<300).contains(response.status)
            let body = success && !needsJSON && !api.successNeedsJSON ? nil : try? JSONValue.parse(response.body)
            if let failure = api.failure(response, body: body, symbol: symbol) {
                switch failure {
                case .unknownSymbol(let m):
                    throw MarketDataError(.unknownSymbol, venue: venue, symbol: symbol, status: response.status, detail: m)
                case .blocked(let m):
                    throw MarketDataError(.blocked, venue: venue, symbol: symbol, status: response.status, detail: m)
                case .rejected(let m):
                    throw MarketDataError(.rejected, venue: venue, symbol: symbol, status: response.status, detail: m)
                case .serverError(let m):
                    if await backoff(attempt: attempt) { continue }
                    throw MarketDataError(.unavailable, venue: venue, symbol: symbol, status: response.status, detail: m)
                case .rateLimited(let after, let m):
                    let wait = max(after ?? Self.defaultRateLimitWaitMs, 0)
                    gate.hold(until: clock.nowMillis() + wait)
                    // Loop back to the gate, which waits if that fits in the time left, or gives up.
                    if attempt < Self.maxAttempts, wait + 1_000 <= pacing.remainingMs() { continue }
                    throw MarketDataError(
                        .rateLimited, venue: venue, symbol: symbol, status: response.status,
                        detail: "\(m) (retry after \(wait / 1000) s)")
                }
            }
            guard body != nil || !needsJSON && !api.successNeedsJSON else {
                // A 2xx that is not JSON: a proxy or maintenance page. Transient.
                if await backoff(attempt: attempt) { continue }
                throw MarketDataError(
                    .unavailable, venue: venue, symbol: symbol, status: response.status,
                    detail: "not JSON: \(ResponseText.excerpt(response))")
            }
            return (response, body)
        }
    }

    /// Sleeps before another attempt if one is left and fits in the time left; false otherwise.
    func backoff(attempt: Int) async -> Bool {
        guard attempt < Self.maxAttempts else { return false }
        let wait = pacing.backoffMs(attempt: attempt, baseMs: 400, capMs: 4_000)
        guard wait + 2_000 <= pacing.remainingMs() else { return false }
        await pacing.sleep(wait)
        return true
    }
}
