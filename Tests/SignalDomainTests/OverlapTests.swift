import Testing
@testable import SignalDomain

/// The candle that contained the previous check is looked at again by the next one (the window rounds
/// down); only what happened after the previous check may count then.
@Suite struct OverlapTests {
    @Test func aLevelReachedBeforeTheCheckDoesNotFireAgain() {
        var run = Run(makeSignal(.above, target: "65000", repeat: .every))
        #expect(run.check(at: at(0, 30), [m1(0, o: "64000", h: "65010", l: "64000", c: "64100")]).count == 1)
        // The full minute-0 candle (no new high since 20:00:30), then an hour below.
        let candles = [m1(0, o: "64000", h: "65010", l: "63900", c: "64000")] + (1...60).map { flat($0, "64000") }
        #expect(run.check(at: at(60, 30), candles).isEmpty)
    }

    @Test func aNewHighAfterTheCheckCounts() {
        var run = Run(makeSignal(.above, target: "65000"))
        #expect(run.check(at: at(0, 30), [m1(0, o: "64000", h: "64500", l: "64000", c: "64100")]).isEmpty)
        let events = run.check(at: at(60, 30), [m1(0, o: "64000", h: "65001", l: "64000", c: "64100")])
        #expect(events.map(\.priceReached) == [p("65001")])
        #expect(events.map(\.reachedAt) == [at(0)])
    }

    @Test func aLevelTheCandleHadPassedBeforeTheCheckIsUncertainAfterIt() {
        // Short-lived spike before the first check: `every` fired; the price is back below at the check.
        var run = Run(makeSignal(.above, target: "65000", repeat: .every))
        run.check(at: at(0, 30), [m1(0, o: "64000", h: "65010", l: "64000", c: "64100")])
        let candles = [m1(0, o: "64000", h: "65010", l: "64000", c: "64000"), flat(1, "64000")]
        // Binance: ask for the seconds after the check.
        let e = Evaluator.evaluate(signal: run.signal, state: run.state, candles: candles, now: at(2), detail: .available())
        #expect(e.needsDetail == at(0))
        // They show the price came back to the level at 20:00:45.
        let seconds = [s1(0, 30, o: "64100", h: "64100", l: "64000", c: "64000"), s1(0, 45, o: "64000", h: "65000", l: "64000", c: "64000")]
        let events = run.check(at: at(2), candles, detail: .available([at(0): seconds]))
        #expect(events.map(\.reachedAt) == [at(0, 45)])
        #expect(events.map(\.priceReached) == [p("65000")])
    }

    @Test func secondsTheFirstCheckSawAreNotUsedAgain() {
        var run = Run(makeSignal(.above, target: "65000", repeat: .every))
        run.check(at: at(0, 30), [m1(0, o: "64000", h: "65010", l: "64000", c: "64100")])
        let candles = [m1(0, o: "64000", h: "65010", l: "64000", c: "64000"), flat(1, "64000")]
        // Only the spike at 20:00:10, which the first check already counted.
        let seconds = [s1(0, 10, o: "64000", h: "65010", l: "64000", c: "64100"), s1(0, 50, o: "64100", h: "64100", l: "64000", c: "64000")]
        #expect(run.check(at: at(2), candles, detail: .available([at(0): seconds])).isEmpty)
    }

    @Test func aStopLossLowFromBeforeTheEntryDoesNotCloseTheTrade() {
        var run = Run(makeSignal(.long, entry: "100", tps: ["120"], sl: "90"))
        // Minute 0 before the first check: down to 89, then up through the entry to 101.
        let seen = m1(0, o: "95", h: "101", l: "89", c: "100")
        let seconds = [s1(0, 5, o: "95", h: "95", l: "89", c: "91"), s1(0, 20, o: "91", h: "101", l: "91", c: "100")]
        #expect(run.check(at: at(0, 30), [seen], detail: .available([at(0): seconds])).keys == ["entry"])
        // Next hour: the same candle (no new extreme), then quiet. The old low is no stop-loss.
        let events = run.check(at: at(60, 30), [m1(0, o: "95", h: "101", l: "89", c: "99")] + (1...60).map { flat($0, "99") })
        #expect(events.isEmpty)
        #expect(run.state?.phase == .trade(.inTrade(takeProfitsHit: 0)))
        // A new low after the check is one.
        let later = run.check(at: at(120, 30), [flat(60, "99"), m1(61, o: "99", h: "99", l: "88", c: "88")])
        #expect(later.keys == ["sl"])
    }

    @Test func twoChecksInTheSameMinute() {
        var run = Run(makeSignal(.below, target: "100", repeat: Repeat(text: "1m")!))
        #expect(run.check(at: at(0, 10), [m1(0, o: "101", h: "101", l: "100", c: "101")]).keys == ["below.1"])
        // Twenty seconds later, same minute, lower low: still the same minute, so still cooling down.
        #expect(run.check(at: at(0, 30), [m1(0, o: "101", h: "101", l: "99", c: "99")]).isEmpty)
        #expect(run.state?.seen?.low == p("99"))
        #expect(run.check(at: at(1, 5), [m1(0, o: "101", h: "101", l: "99", c: "99"), flat(1, "99")]).keys == ["below.2"])
    }

    @Test func aLaggingAnswerDoesNotMakeTheMemoryForgetAnExtreme() {
        var run = Run(makeSignal(.above, target: "200"))
        run.check(at: at(0, 10), [m1(0, o: "101", h: "150", l: "100", c: "101")])
        run.check(at: at(0, 20), [m1(0, o: "101", h: "140", l: "100", c: "101")])
        #expect(run.state?.seen?.high == p("150"))
    }
}
