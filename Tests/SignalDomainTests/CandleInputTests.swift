import Testing
@testable import SignalDomain

/// Whatever order or duplication the adapters hand candles over in, the evaluation is the same.
@Suite struct CandleInputTests {
    static let signal = makeSignal(.long, entry: "100", tps: ["110"], sl: "90")
    static let candles = [flat(0, "95"), m1(1, o: "95", h: "101", l: "95", c: "100"), flat(2, "100"),
                          m1(3, o: "100", h: "110", l: "99", c: "109")]

    static func events(_ candles: [Candle]) -> [SignalEvent] {
        var run = Run(signal)
        run.check(at: at(0, 30), [flat(0, "95")])
        return run.check(at: at(4), candles)
    }

    @Test func shuffledDuplicatedAndForeignCandlesChangeNothing() {
        let expected = Self.events(Self.candles)
        #expect(expected.keys == ["entry", "tp1"])
        let stale = m1(3, o: "100", h: "100", l: "99", c: "100")  // an older snapshot of minute 3, given first
        let messy = [Self.candles[3], Self.candles[1], stale, Self.candles[0], Self.candles[2], Self.candles[3],
                     m1(2, o: "1", h: "0.5", l: "2", c: "1"),  // high below low: dropped
                     flat(9, "500"),  // opens after now: ignored
                     flat(-5, "500")]  // before the window: ignored
        #expect(Self.events(messy) == expected)
    }

    @Test func aCandleOverlappingTheOneBeforeIsDropped() {
        let misaligned = Candle(openTime: at(1, 30), interval: .fiveMinutes, open: p("95"), high: p("200"), low: p("95"), close: p("95"))
        #expect(Self.events(Self.candles + [misaligned]) == Self.events(Self.candles))
    }

    @Test func onlyBinanceHasSecondCandles() {
        #expect(Venue.allCases.filter(\.hasSecondCandles) == [.binance])
    }
}
