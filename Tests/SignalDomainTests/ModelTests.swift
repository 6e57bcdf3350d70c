import Testing
@testable import SignalDomain

@Suite struct ModelTests {
    @Test(arguments: [
        ("50000", "50000"), ("50000.00", "50000"), ("0.18670", "0.1867"), ("1.5e3", "1500"), ("1e-7", "0.0000001"),
        ("-0.0", "0"), ("007.10", "7.1"), (".5", "0.5"),
    ])
    func normalisesDecimals(_ input: String, _ expected: String) {
        #expect(Price(input)?.text == expected)
    }

    @Test(arguments: ["", "abc", "1e400", "NaN", "1,5", "1.2.3", "--1", "1e", "inf"])
    func rejectsNonDecimals(_ input: String) {
        #expect(Price(input) == nil)
    }

    @Test func symbolsSplitAndRender() {
        let m = MarketSymbol(parsing: "1000PEPEUSDT")!
        #expect(m.base == "1000PEPE" && m.quote == "USDT")
        #expect(MarketSymbol(parsing: "btc/usdt")!.symbol(on: .coinbase) == "BTC-USDT")
        #expect(MarketSymbol(parsing: "BTC-USD")!.symbol(on: .binance) == "BTCUSD")
        #expect(MarketSymbol(parsing: "XYZ") == nil)
        #expect(MarketSymbol(parsing: "BTC/") == nil)
    }

    @Test func repeatDurations() {
        #expect(Repeat(text: "4h") == .cooldown(seconds: 14400))
        #expect(Repeat(text: " Every ") == .every)
        #expect(Repeat(text: "") == .once)
        #expect(Repeat(text: "90m")?.description == "90m")
        #expect(Repeat(text: "0h") == nil)
        #expect(Repeat(text: "soon") == nil)
    }
}
