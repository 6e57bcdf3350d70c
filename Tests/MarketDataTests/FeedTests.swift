import CurlHTTP
import Testing
@testable import MarketData
@testable import SignalDomain

/// A tiny in-memory Binance/Coinbase/Bybit serving one market's 1-minute candles in each venue's shape.
struct FakeVenues: Sendable {
    /// Per minute open time: (open, high, low, close) texts.
    var candles: [EpochMillis: (String, String, String, String)]
    var listed: Set<String>
    var now: EpochMillis = runTime + 7_000

    func answer(_ r: HTTPRequest) -> HTTPResponse {
        r.url.contains("binance") ? binance(r) : r.url.contains("coinbase") ? coinbase(r) : bybit(r)
    }

    func binance(_ r: HTTPRequest) -> HTTPResponse {
        if r.url.hasSuffix("/api/v3/time") { return FakeTransport.json(200, #"{"serverTime":\#(now)}"#) }
        let q = query(r.url)
        guard let sym = q["symbol"], listed.contains("binance:" + sym) else {
            return FakeTransport.json(400, #"{"code":-1121,"msg":"Invalid symbol."}"#)
        }
        let rows = select(q["startTime"].flatMap { Int64($0) }, q["endTime"].flatMap { Int64($0) }, Int(q["limit"] ?? "500")!)
        let body = rows.map { t, c in "[\(t),\"\(c.0)\",\"\(c.1)\",\"\(c.2)\",\"\(c.3)\",\"1.0\",\(t + 59_999),\"1.0\",1,\"0\",\"0\",\"0\"]" }
        return FakeTransport.json(200, "[" + body.joined(separator: ",") + "]")
    }

    func coinbase(_ r: HTTPRequest) -> HTTPResponse {
        if r.url.hasSuffix("/time") { return FakeTransport.json(200, #"{"iso":"\#(UTCTime.format(now, milliseconds: true))","epoch":\#(now / 1000)}"#) }
        let parts = FakeTransport.path(r.url).split(separator: "/")
        guard let i = parts.firstIndex(of: "products"), listed.contains("coinbase:" + parts[i + 1]) else {
            return FakeTransport.json(404, #"{"message":"NotFound"}"#)
        }
        let q = query(r.url)
        let start = q["start"].flatMap { UTCTime.parseISO8601($0) }
        let end = q["end"].flatMap { UTCTime.parseISO8601($0) }
        if let start, let end, (end - start) / 60_000 + 1 > 300 { return FakeTransport.json(400, #"{"message":"granularity too small"}"#) }
        let rows = select(start, end, 300, newestFirst: true)
        let body = rows.map { t, c in "[\(t / 1000),\(c.2),\(c.1),\(c.0),\(c.3),1.5]" }
        return FakeTransport.json(200, "[" + body.joined(separator: ",") + "]")
    }

    func bybit(_ r: HTTPRequest) -> HTTPResponse {
        if r.url.hasSuffix("/v5/market/time") {
            return FakeTransport.json(200, #"{"retCode":0,"retMsg":"OK","result":{"timeSecond":"\#(now / 1000)","timeNano":"\#(now)000000"},"retExtInfo":{},"time":\#(now)}"#)
        }
        let q = query(r.url)
        guard q["category"] == "spot", let sym = q["symbol"], listed.contains("bybit:" + sym) else {
            return FakeTransport.json(200, #"{"retCode":10001,"retMsg":"Not supported symbols","result":{},"retExtInfo":{},"time":\#(now)}"#)
        }
        let rows = select(q["start"].flatMap { Int64($0) }, q["end"].flatMap { Int64($0) }, Int(q["limit"] ?? "200")!, newestFirst: true)
        let list = rows.map { t, c in "[\"\(t)\",\"\(c.0)\",\"\(c.1)\",\"\(c.2)\",\"\(c.3)\",\"1\",\"1\"]" }
        return FakeTransport.json(
            200, #"{"retCode":0,"retMsg":"OK","result":{"category":"spot","symbol":"\#(sym)","list":[\#(list.joined(separator: ","))]},"retExtInfo":{},"time":\#(now)}"#)
    }

    /// The newest `limit` candles opening in [start, end] (as the venues do when the range holds more).
    func select(_ start: Int64?, _ end: Int64?, _ limit: Int, newestFirst: Bool = false) -> [(Int64, (String, String, String, String))] {
        var keys = candles.keys.sorted().filter { t in (start.map { t >= $0 } ?? true) && (end.map { t <= $0 } ?? true) && t <= now }
        keys = newestFirst ? Array(keys.suffix(limit)) : Array(keys.prefix(limit))
        if newestFirst { keys.reverse() }
        return keys.map { ($0, candles[$0]!) }
    }
}

func makeFeed(
    _ transport: FakeTransport, pacing: TestPacing, fallbacks: [Venue] = [], gates: VenueGates = VenueGates()
) -> MarketFeed {
    let p = pacing.pacing
    let sources: [Venue: any MarketDataSource] = [
        .binance: VenueMarketData(api: BinanceAPI(baseURL: "http://binance.test"), transport: transport, clock: pacing.clock, pacing: p, gate: gates[.binance]),
        .coinbase: VenueMarketData(api: CoinbaseAPI(baseURL: "http://coinbase.test"), transport: transport, clock: pacing.clock, pacing: p, gate: gates[.coinbase]),
        .bybit: VenueMarketData(api: BybitAPI(baseURL: "http://bybit.test"), transport: transport, clock: pacing.clock, pacing: p, gate: gates[.bybit]),
    ]
    return MarketFeed(sources: sources, fallbacks: fallbacks)
}

/// 24 h of flat candles at 100 (the last one still open) with one wick to 250 (high) and one to 40 (low).
func dayOfCandles() -> [EpochMillis: (String, String, String, String)] {
    var c: [EpochMillis: (String, String, String, String)] = [:]
    for i in 0...1440 {
        let t = runTime - 86_400_000 + Int64(i) * 60_000
        c[t] = ("100", "101", "99", "100")
    }
    c[runTime - 86_400_000 + 7 * 60_000] = ("100", "250", "99", "100")
    c[runTime - 60_000] = ("100", "101", "40", "100.5")
    c[runTime] = ("100.5", "100.7", "100.4", "100.6")
    return c
}

let minute: Int64 = 60_000

@Suite struct FeedTests {
    let venues = FakeVenues(candles: dayOfCandles(), listed: ["binance:BTCUSDT", "coinbase:BTC-USDT", "bybit:BTCUSDT"])

    @Test(arguments: [(Venue.binance, 2), (.coinbase, 5), (.bybit, 2)])
    func aDayIsPagedWithoutLosingExtremes(_ venue: Venue, _ expectedRequests: Int) async throws {
        let v = venues
        let transport = FakeTransport { r, _ in v.answer(r) }
        let feed = makeFeed(transport, pacing: TestPacing(clock: FixedClock(0)))
        let clock = try await feed.now(venue)
        #expect(clock == VenueTime(venue: venue, now: runTime + 7_000))
        let until = CandleInterval.oneMinute.floor(clock.now) + minute
        let answer = try await feed.candles(venue, btcusdt, interval: .oneMinute, from: runTime - 86_400_000, until: until)
        let s = answer.series
        #expect(s.candles.count == 1441)
        #expect(s.candles.map(\.openTime) == s.candles.map(\.openTime).sorted())
        #expect(s.candles.map(\.high).max()?.text == "250")
        #expect(s.candles.map(\.low).min()?.text == "40")
        #expect(s.lastPrice?.text == "100.6")
        #expect(s.now == runTime + 7_000)
        #expect(transport.requests.count == expectedRequests + 1)
        #expect(!answer.usedFallback)
    }

    @Test func theCurrentMinuteForAFirstCheck() async throws {
        let v = venues
        let transport = FakeTransport { r, _ in v.answer(r) }
        let feed = makeFeed(transport, pacing: TestPacing(clock: FixedClock(0)))
        for venue in Venue.allCases {
            let s = try await feed.candles(venue, btcusdt, interval: .oneMinute, from: runTime, until: runTime + minute).series
            #expect(s.candles.count == 1)
            #expect(s.candles[0].openTime == runTime && s.candles[0].high.text == "100.7")
        }
    }

    @Test func concurrentIdenticalRequestsAreFetchedOnce() async throws {
        let v = venues
        let transport = FakeTransport { r, _ in v.binance(r) }
        let feed = makeFeed(transport, pacing: TestPacing(clock: FixedClock(runTime)))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    _ = try await feed.now(.binance)
                    return try await feed.candles(.binance, btcusdt, interval: .oneMinute, from: runTime - 3_600_000, until: runTime + minute)
                        .series.candles.count
                }
            }
            for try await n in group { #expect(n == 61) }
        }
        #expect(transport.requests.count == 2)
        #expect(feed.fetchesStarted == 1)
    }

    @Test func geoBlockedBinanceFallsBackToCoinbaseWithTheSameQuote() async throws {
        let v = venues
        let transport = FakeTransport { r, _ in
            if r.url.contains("binance") {
                return FakeTransport.json(451, #"{"code":0,"msg":"Service unavailable from a restricted location"}"#)
            }
            return v.answer(r)
        }
        let pacing = TestPacing(clock: FixedClock(runTime))
        let feed = makeFeed(transport, pacing: pacing, fallbacks: [.coinbase, .bybit])
        #expect(try await feed.now(.binance).venue == .coinbase)
        let answer = try await feed.candles(.binance, btcusdt, interval: .oneMinute, from: runTime - 3_600_000, until: runTime + minute)
        #expect(answer.answeredVenue == .coinbase && answer.usedFallback)
        #expect(answer.passedOver.map(\.kind) == [.blocked])
        #expect(transport.urls.contains { $0.contains("/products/BTC-USDT/candles") })
        // The block is remembered: Binance was asked once, and another symbol goes straight to the fallback.
        let eth = MarketSymbol(base: "ETH", quote: "USDT")
        _ = try? await feed.candles(.binance, eth, interval: .oneMinute, from: runTime, until: runTime + minute)
        #expect(transport.urls.filter { $0.contains("binance") }.count == 1)
        #expect(pacing.sleeps.isEmpty)
    }

    @Test func aFallbackVenueThatDoesNotListThePairIsSkipped() async throws {
        var v = venues
        v.listed = ["bybit:BTCUSDT"]
        let venues = v
        let transport = FakeTransport { r, _ in
            if r.url.contains("binance") { return FakeTransport.json(451, #"{"code":0,"msg":"restricted location"}"#) }
            return venues.answer(r)
        }
        let feed = makeFeed(transport, pacing: TestPacing(clock: FixedClock(runTime)), fallbacks: [.coinbase, .bybit])
        let answer = try await feed.candles(.binance, btcusdt, interval: .oneMinute, from: runTime, until: runTime + minute)
        #expect(answer.answeredVenue == .bybit)
        #expect(answer.passedOver.map(\.kind) == [.blocked, .unknownSymbol])
    }

    @Test func everyVenueBlockedOrUnlistedIsPermanent() async throws {
        let transport = FakeTransport { r, _ in
            r.url.contains("binance")
                ? FakeTransport.json(451, #"{"code":0,"msg":"restricted location"}"#)
                : FakeTransport.json(404, #"{"message":"NotFound"}"#)
        }
        let feed = makeFeed(transport, pacing: TestPacing(clock: FixedClock(runTime)), fallbacks: [.coinbase])
        do {
            _ = try await feed.candles(.binance, btcusdt, interval: .oneMinute, from: runTime, until: runTime + minute)
            Issue.record("expected a failure")
        } catch let e as MarketFeedError {
            #expect(e.isPermanent)
            #expect(e.attempts.map(\.venue) == [.binance, .coinbase])
        }
    }

    @Test func unknownSymbolOnTheSignalsVenueIsPermanentWithoutFallback() async throws {
        let v = venues
        let transport = FakeTransport { r, _ in v.binance(r) }
        let feed = makeFeed(transport, pacing: TestPacing(clock: FixedClock(runTime)), fallbacks: [.coinbase])
        do {
            _ = try await feed.candles(.binance, MarketSymbol(base: "NOPE", quote: "USDT"), interval: .oneMinute, from: runTime, until: runTime + minute)
            Issue.record("expected a failure")
        } catch let e as MarketFeedError {
            #expect(e.isPermanent && e.attempts.map(\.kind) == [.unknownSymbol])
        }
        #expect(transport.requests.count == 1)
    }

    @Test func serverErrorsAreRetriedWithBackoffThenTransientWithoutFallback() async throws {
        let v = venues
        let transport = FakeTransport { r, n in
            r.url.contains("klines") && n < 2 ? FakeTransport.json(503, "{}") : v.binance(r)
        }
        let pacing = TestPacing(clock: FixedClock(runTime))
        let feed = makeFeed(transport, pacing: pacing, fallbacks: [.coinbase])
        let s = try await feed.candles(.binance, btcusdt, interval: .oneMinute, from: runTime, until: runTime + minute).series
        #expect(s.venue == .binance && s.candles.count == 1)
        #expect(pacing.sleeps.count == 2 && pacing.sleeps.allSatisfy { $0 >= 200 })

        let always500 = FakeTransport { _, _ in FakeTransport.json(500, #"{"code":-1000,"msg":"internal"}"#) }
        let feed2 = makeFeed(always500, pacing: TestPacing(clock: FixedClock(runTime)), fallbacks: [.coinbase])
        do {
            _ = try await feed2.candles(.binance, btcusdt, interval: .oneMinute, from: runTime, until: runTime + minute)
            Issue.record("expected a failure")
        } catch let e as MarketFeedError {
            #expect(!e.isPermanent && e.attempts.map(\.kind) == [.unavailable])
        }
        #expect(always500.requests.count == 3)
        #expect(!always500.urls.contains { $0.contains("coinbase") })
    }

    @Test func unreachableVenueFallsBackAndIsNotAskedAgain() async throws {
        let v = venues
        let transport = FakeTransport { r, _ in
            if r.url.contains("binance") { throw HTTPClientError(.couldNotConnect, host: "binance.test", detail: "refused") }
            return v.answer(r)
        }
        let feed = makeFeed(transport, pacing: TestPacing(clock: FixedClock(runTime)), fallbacks: [.coinbase])
        #expect(try await feed.now(.binance).venue == .coinbase)
        let answer = try await feed.candles(.binance, btcusdt, interval: .oneMinute, from: runTime, until: runTime + minute)
        #expect(answer.answeredVenue == .coinbase && answer.passedOver.map(\.kind) == [.unreachable])
        #expect(transport.urls.filter { $0.contains("binance") }.count == 3)
    }

    @Test func retryAfterIsHonouredWhenItFits() async throws {
        let v = venues
        let transport = FakeTransport { r, n in
            n == 0 ? FakeTransport.json(429, #"{"code":-1003,"msg":"Too many requests"}"#, headers: [("Retry-After", "3")]) : v.binance(r)
        }
        let pacing = TestPacing(clock: FixedClock(runTime))
        let feed = makeFeed(transport, pacing: pacing)
        let s = try await feed.candles(.binance, btcusdt, interval: .oneMinute, from: runTime, until: runTime + minute).series
        #expect(s.candles.count == 1)
        #expect(pacing.sleeps == [3_000])
    }

    @Test func aBanLongerThanTheTimeLeftGivesUpAndHoldsBackTheVenue() async throws {
        let transport = FakeTransport { _, _ in
            FakeTransport.json(418, #"{"code":-1003,"msg":"Way too many requests; IP banned until 1795637400000."}"#, headers: [("Retry-After", "600")])
        }
        let gates = VenueGates()
        let pacing = TestPacing(clock: FixedClock(runTime), budgetMs: 30_000)
        let feed = makeFeed(transport, pacing: pacing, gates: gates)
        do {
            _ = try await feed.candles(.binance, btcusdt, interval: .oneMinute, from: runTime, until: runTime + minute)
            Issue.record("expected a failure")
        } catch let e as MarketFeedError {
            #expect(!e.isPermanent && e.attempts.map(\.kind) == [.rateLimited])
        }
        #expect(pacing.sleeps.isEmpty)
        // The next invocation within the ban does not even ask.
        let feed2 = makeFeed(transport, pacing: TestPacing(clock: FixedClock(runTime + 1_000), budgetMs: 30_000), gates: gates)
        _ = try? await feed2.candles(.binance, btcusdt, interval: .oneMinute, from: runTime, until: runTime + minute)
        #expect(transport.requests.count == 1)
    }

    @Test func secondCandlesOnlyWhereTheVenueHasThem() async throws {
        let transport = FakeTransport { r, _ in
            let q = query(r.url)
            #expect(q["interval"] == "1s")
            let start = Int64(q["startTime"]!)!
            let rows = (0..<60).map { i in "[\(start + Int64(i) * 1000),\"1\",\"2\",\"0.5\",\"1\",\"0\",0,\"0\",0,\"0\",\"0\",\"0\"]" }
            return FakeTransport.json(200, "[" + rows.joined(separator: ",") + "]")
        }
        let feed = makeFeed(transport, pacing: TestPacing(clock: FixedClock(runTime)))
        let seconds = await feed.secondCandles(.binance, btcusdt, minute: runTime - 60_000 + 42_000)
        #expect(seconds?.count == 60 && seconds?.first?.openTime == runTime - 60_000)
        #expect(query(transport.urls[0])["endTime"] == String(runTime - 1))
        #expect(await feed.secondCandles(.coinbase, btcusdt, minute: runTime) == nil)
    }

    @Test func aDateHeaderThatDisagreesWithTheCandlesIsKeptWithinTheNewestCandle() async throws {
        var v = venues
        v.now = runTime + 30_000
        let venues = v
        // The fake's Date header says 20:00:07 on every response; a proxy's clock could be anything.
        let transport = FakeTransport { r, _ in
            var resp = venues.binance(r)
            resp.headers.set("Date", "Thu, 26 Nov 2026 09:00:00 GMT")
            return resp
        }
        let feed = makeFeed(transport, pacing: TestPacing(clock: FixedClock(0)))
        let s = try await feed.candles(.binance, btcusdt, interval: .oneMinute, from: runTime - 600_000, until: runTime + minute).series
        #expect(s.now == runTime + 59_999)
    }
}
