import Testing
@testable import MarketData
@testable import SignalDomain

/// The byte-level readers must agree with the general parsers on everything the venues send.
@Suite struct FastParsingTests {
    static let decimals = [
        "64000.01000000", "0.18670000", "100", "0", "0.0", "-0.000", "007.10", ".5", "5.", "-12.340", "1e-7", "1.5E3",
        "123456789012345.678", "0.00000001",
    ]

    @Test(arguments: decimals)
    func bytePricesMatchTheGeneralParser(_ text: String) {
        var t = text
        let fast = t.withUTF8 { Price(utf8: $0) }
        #expect(fast?.text == Price(text)?.text)
        #expect(fast?.value == Price(text)?.value)
    }

    @Test(arguments: ["", "-", ".", "abc", "1.2.3", "--1", "1,5", "NaN", "1e400"])
    func nonDecimalsAreRejected(_ text: String) {
        var t = text
        #expect(t.withUTF8 { Price(utf8: $0) } == nil)
    }

    @Test func binanceRowsReadFromBytesMatchTheJSONPath() throws {
        let text = """
            [ [1795633200000,"64000.01000000","64100.00000000","63950.50000000","64050.00000000","12.5",1795633259999,"800000.1",120,"6.1","390000.2","0"],
              [1795633260000, "64050.0", "64200.10", "64000", "0.18670000", "3.2", 1795633319999, "200000.0", 80, "1.1", "70000.0", "0"]
            ]
            """
        let api = BinanceAPI()
        let fast = try #require(api.parseCandles(bytes: Array(text.utf8), interval: .oneMinute))
        let slow = try #require(api.parseCandles(try JSONValue.parse(text), interval: .oneMinute))
        #expect(fast == slow && fast.count == 2)
        #expect(api.parseCandles(bytes: Array("[]".utf8), interval: .oneMinute) == [])
    }

    @Test func coinbaseRowsReadFromBytesMatchTheJSONPath() throws {
        let text = "[[1795633260,0.1801,0.19,0.185,0.1867,1000.5],[1795633200,0.179,0.186,0.18,0.185,12.3]]"
        let api = CoinbaseAPI()
        let fast = try #require(api.parseCandles(bytes: Array(text.utf8), interval: .oneMinute))
        #expect(fast == api.parseCandles(try JSONValue.parse(text), interval: .oneMinute))
        #expect(fast[0].openTime == 1_795_633_260_000 && fast[0].low.text == "0.1801" && fast[0].close.text == "0.1867")
    }

    @Test(arguments: [
        "", "{}", "[", "[[1,\"2\",\"3\",\"4\"]]", "[[1,\"2\",\"3\",\"4\",\"5\"],]", "[[1,\"2\\u0033\",\"3\",\"4\",\"5\"]]",
        "[[1,[2],\"3\",\"4\",\"5\"]]", "<html>maintenance</html>",
    ])
    func anythingUnexpectedFallsBack(_ text: String) {
        #expect(BinanceAPI().parseCandles(bytes: Array(text.utf8), interval: .oneMinute) == nil)
    }
}
