import CurlHTTP
import Testing
@testable import MarketData
@testable import SignalDomain

/// Responses written by hand in the shapes the venues document (binance-spot-api-docs rest-api.md,
/// Coinbase Exchange "Get product candles"/"Get product ticker", bybit-exchange/docs v5/market/kline.mdx
/// and tickers.mdx).
@Suite struct VenueParsingTests {
    @Test func binanceKlinesRequestAndParse() throws {
        let api = BinanceAPI(baseURL: "http://127.0.0.1:9/")
        let req = api.candlesRequest(btcusdt, interval: .oneMinute, start: runTime - 3_600_000, end: runTime, limit: 1000)
        #expect(
            req.url
                == "http://127.0.0.1:9/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=1795633200000&endTime=1795636800000&limit=1000"
        )
        let body = try JSONValue.parse(
            """
            [[1795633200000,"64000.01000000","64100.00000000","63950.50000000","64050.00000000","12.5",1795633259999,"800000.1",120,"6.1","390000.2","0"],
             [1795633260000,"64050.00000000","64200.10000000","64000.00000000","0.18670000","3.2",1795633319999,"200000.0",80,"1.1","70000.0","0"]]
            """)
        let candles = try #require(api.parseCandles(body, interval: .oneMinute))
        #expect(candles.count == 2)
        #expect(candles[0].openTime == 1_795_633_200_000)
        #expect(candles[0].open.text == "64000.01" && candles[0].high.text == "64100" && candles[0].low.text == "63950.5")
        #expect(candles[1].close.text == "0.1867")
        #expect(api.parsePrice(try JSONValue.parse(#"{"symbol":"BTCUSDT","price":"64123.45000000"}"#))?.text == "64123.45")
        #expect(api.priceRequest(btcusdt).url == "http://127.0.0.1:9/api/v3/ticker/price?symbol=BTCUSDT")
        #expect(api.timeRequest().url == "http://127.0.0.1:9/api/v3/time")
        #expect(api.parseTime(try JSONValue.parse(#"{"serverTime":1795636807123}"#)) == 1_795_636_807_123)
        let oneSecond = api.candlesRequest(btcusdt, interval: .oneSecond, start: runTime, end: runTime + 59_999, limit: 1000)
        #expect(query(oneSecond.url)["interval"] == "1s")
    }

    @Test func binanceErrorsAreClassified() throws {
        let api = BinanceAPI()
        let invalid = FakeTransport.json(400, #"{"code":-1121,"msg":"Invalid symbol."}"#)
        #expect(api.failure(invalid, body: try JSONValue.parse(invalid.body), symbol: "NOPEUSDT") == .unknownSymbol("Invalid symbol."))
        let restricted = FakeTransport.json(
            451,
            #"{"code":0,"msg":"Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error."}"#
        )
        guard case .blocked = api.failure(restricted, body: try JSONValue.parse(restricted.body), symbol: "BTCUSDT") else {
            Issue.record("451 is a block")
            return
        }
        let cloudFront = HTTPResponse(
            status: 403,
            body: Array("The Amazon CloudFront distribution is configured to block access from your country.".utf8))
        guard case .blocked = api.failure(cloudFront, body: nil, symbol: "BTCUSDT") else {
            Issue.record("CloudFront geo 403 is a block")
            return
        }
        let banned = FakeTransport.json(418, #"{"code":-1003,"msg":"Way too many requests; IP banned."}"#, headers: [("Retry-After", "120")])
        #expect(api.failure(banned, body: try JSONValue.parse(banned.body), symbol: "BTCUSDT") == .rateLimited(retryAfterMs: 120_000, "Way too many requests; IP banned."))
        #expect(api.failure(FakeTransport.json(502, "<html>Bad gateway</html>"), body: nil, symbol: "BTCUSDT") == .serverError("<html>Bad gateway</html>"))
    }

    @Test func coinbaseCandlesAreNewestFirstNumbers() async throws {
        let api = CoinbaseAPI(baseURL: "http://127.0.0.1:9")
        let req = api.candlesRequest(btcusdt, interval: .oneMinute, start: runTime - 3_600_000, end: runTime, limit: 300)
        #expect(
            req.url
                == "http://127.0.0.1:9/products/BTC-USDT/candles?granularity=60&start=2026-11-25T19%3A00%3A00Z&end=2026-11-25T20%3A00%3A00Z"
        )
        // [time, low, high, open, close, volume], newest first, numbers with the exchange's own digits.
        let body = try JSONValue.parse("[[1795633260, 0.1801, 0.1900, 0.1850, 0.1867, 1000.5],[1795633200, 0.1790, 0.1860, 0.1800, 0.1850, 12.3]]")
        let candles = try #require(api.parseCandles(body, interval: .oneMinute))
        #expect(candles[0].openTime == 1_795_633_260_000)
        #expect(candles[0].low.text == "0.1801" && candles[0].high.text == "0.19" && candles[0].open.text == "0.185")
        #expect(candles[0].close.text == "0.1867")
        let ticker = try JSONValue.parse(
            #"{"trade_id":4729088,"price":"333.99","size":"0.193","bid":"333.98","ask":"333.99","volume":"5957.11914015","time":"2015-11-14T20:46:03.511254Z"}"#)
        #expect(api.parsePrice(ticker)?.text == "333.99")
        #expect(api.priceRequest(btcusdt).url == "http://127.0.0.1:9/products/BTC-USDT/ticker")
        #expect(api.parseTime(try JSONValue.parse(#"{"iso":"2026-11-25T20:00:07.123Z","epoch":1795636807.123}"#)) == runTime + 7_123)
        #expect(api.parseTime(try JSONValue.parse(#"{"iso":"2026-11-25T20:00:07.123456Z","epoch":1795636807.123456}"#)) == runTime + 7_123)
        let notFound = FakeTransport.json(404, #"{"message":"NotFound"}"#)
        #expect(api.failure(notFound, body: try JSONValue.parse(notFound.body), symbol: "BTC-USDT") == .unknownSymbol("NotFound"))
    }

    @Test func bybitKlinesAndRetCodes() throws {
        let api = BybitAPI(baseURL: "http://127.0.0.1:9")
        let req = api.candlesRequest(btcusdt, interval: .oneMinute, start: runTime - 3_600_000, end: runTime, limit: 1000)
        #expect(
            req.url
                == "http://127.0.0.1:9/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&start=1795633200000&end=1795636800000&limit=1000"
        )
        let body = try JSONValue.parse(
            """
            {"retCode":0,"retMsg":"OK","result":{"symbol":"BTCUSDT","category":"spot","list":[
              ["1795633260000","64050","64200.1","64000","64100","3.2","205000.1"],
              ["1795633200000","64000.01","64100","63950.5","64050","12.5","800000.1"]]},
             "retExtInfo":{},"time":1795636807123}
            """)
        let candles = try #require(api.parseCandles(body, interval: .oneMinute))
        #expect(candles.map(\.openTime) == [1_795_633_260_000, 1_795_633_200_000])
        #expect(api.serverTime(FakeTransport.json(200, ""), body: body) == 1_795_636_807_123)
        let tickers = try JSONValue.parse(
            #"{"retCode":0,"retMsg":"OK","result":{"category":"spot","list":[{"symbol":"BTCUSDT","bid1Price":"20517.96","bid1Size":"2","ask1Price":"20527.77","ask1Size":"1.862172","lastPrice":"20533.13","prevPrice24h":"20393.48","price24hPcnt":"0.0068","highPrice24h":"21128.12","lowPrice24h":"20318.89","turnover24h":"243765620.65899866","volume24h":"11801.27771","usdIndexPrice":"20784.12009279"}]},"retExtInfo":{},"time":1673859087947}"#
        )
        #expect(api.parsePrice(tickers)?.text == "20533.13")
        let time = try JSONValue.parse(
            #"{"retCode":0,"retMsg":"OK","result":{"timeSecond":"1795636807","timeNano":"1795636807123456789"},"retExtInfo":{},"time":1795636807124}"#)
        #expect(api.parseTime(time) == 1_795_636_807_123)
        let unknown = FakeTransport.json(200, #"{"retCode":10001,"retMsg":"Not supported symbols","result":{},"retExtInfo":{},"time":1795636807123}"#)
        #expect(api.failure(unknown, body: try JSONValue.parse(unknown.body), symbol: "NOPEUSDT") == .unknownSymbol("10001 Not supported symbols"))
        let tooFrequent = HTTPResponse(status: 403, body: Array("access too frequent".utf8))
        #expect(api.failure(tooFrequent, body: nil, symbol: "BTCUSDT") == .rateLimited(retryAfterMs: 600_000, "access too frequent"))
    }

    @Test func httpDates() {
        #expect(HTTPDate.parse("Wed, 25 Nov 2026 20:00:07 GMT") == runTime + 7_000)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777_000)
        #expect(HTTPDate.parse("yesterday") == nil)
    }
}

@Suite struct HostileHeadersTests {
    @Test func absurdRetryAfterIsCappedNotATrap() {
        let r = FakeTransport.json(429, "{}", headers: [("Retry-After", "9223372036854775807")])
        #expect(ResponseText.retryAfterMs(r) == 86_400_000)
        #expect(CoinbaseAPI().parseTime(["epoch": .number("1e300")]) == nil)
    }
}
