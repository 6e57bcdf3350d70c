import Testing
@testable import SignalDomain

/// Editing a signal's levels starts it afresh; `expires` and `active` stop evaluation without losing state.
@Suite struct RestartAndExpiryTests {
    @Test func editingTheLevelsStartsANewArming() {
        var run = Run(makeSignal(.above, target: "100"))
        #expect(run.check(at: at(0, 30), [flat(0, "101")]).map(\.sortKey) == ["EVENT#0001#above"])
        // Same id, new target: fresh start at the current candle, next arming.
        run.signal = makeSignal(.above, target: "105")
        let events = run.check(at: at(60, 30), (0...60).map { flat($0, $0 == 30 ? "110" : "106") })
        #expect(events.map(\.sortKey) == ["EVENT#0002#above"])
        #expect(events.first?.reachedAt == at(60))  // the current candle only: minute 30 belongs to the old levels
        #expect(run.state?.arming == 2)
        #expect(run.state?.firstCheckedAt == at(60, 30))
        #expect(run.state?.fireCount == 1)
    }

    @Test func aNewPercentTakesANewReference() {
        var run = Run(makeSignal(.pctUp, percent: "5"))
        run.check(at: at(0, 30), [flat(0, "100")])
        #expect(run.state?.reference == p("100"))
        run.signal = makeSignal(.pctUp, percent: "10")
        #expect(run.check(at: at(60, 30), [flat(60, "104")]).isEmpty)
        #expect(run.state?.reference == p("104"))
        #expect(run.state?.arming == 2)
    }

    @Test func editingATradeResetsItsLifecycle() {
        var run = Run(makeSignal(.long, entry: "100", tps: ["110"], sl: "90"))
        run.check(at: at(0, 30), [flat(0, "101")])
        #expect(run.state?.phase == .trade(.inTrade(takeProfitsHit: 0)))
        run.signal = makeSignal(.long, entry: "120", tps: ["130"], sl: "110")
        #expect(run.check(at: at(60, 30), [flat(60, "111")]).isEmpty)
        #expect(run.state?.phase == .trade(.waitingForEntry))
    }

    @Test(arguments: [
        makeSignal(.above, target: "100", note: "changed note"),
        makeSignal(.above, target: "100.000", repeat: .every),
        makeSignal(.above, target: "100", venue: .binance, id: "sig-1"),
    ])
    func changesOtherThanLevelsKeepTheState(_ edited: Signal) {
        var run = Run(makeSignal(.above, target: "100"))
        run.check(at: at(0, 30), [flat(0, "99")])
        run.signal = edited
        run.check(at: at(60, 30), (0...60).map { flat($0, "99") })
        #expect(run.state?.arming == 1)
        #expect(run.state?.firstCheckedAt == at(0, 30))
    }

    @Test func aChangedConditionStartsAfresh() {
        var run = Run(makeSignal(.above, target: "100"))
        run.check(at: at(0, 30), [flat(0, "99")])
        run.signal = makeSignal(.long, entry: "100", tps: ["110"], sl: "90")
        run.check(at: at(60, 30), [flat(60, "99")])
        #expect(run.state?.arming == 2)
        #expect(run.state?.phase == .trade(.waitingForEntry))
    }

    @Test func expiredSignalsAreNotEvaluated() {
        var run = Run(makeSignal(.above, target: "100", expires: at(30)))
        run.check(at: at(0, 30), [flat(0, "99")])
        let before = run.state
        for now in [at(30), at(90)] {
            let e = Evaluator.evaluate(signal: run.signal, state: run.state, candles: [flat(29, "150")], now: now)
            #expect(e.skipped == .expired)
            #expect(e.events.isEmpty && e.newState == nil)
        }
        #expect(run.state == before)
        // One minute before expiry it is still evaluated.
        #expect(run.check(at: at(29, 59), [flat(29, "150")]).keys == ["above"])
    }

    @Test func inactiveSignalsAreNotEvaluatedAndKeepTheirState() {
        let signal = makeSignal(.above, target: "100")
        var run = Run(signal)
        run.check(at: at(0, 30), [flat(0, "99")])
        let e = Evaluator.evaluate(signal: signal, state: run.state, candles: [flat(5, "150")], now: at(10), active: false)
        #expect(e.skipped == .inactive)
        #expect(e.newState == nil && e.events.isEmpty)
        // Re-activated later: the window runs from the last check, so the move while inactive counts.
        #expect(run.check(at: at(60), (0...60).map { flat($0, $0 == 5 ? "150" : "99") }).map(\.reachedAt) == [at(5)])
    }
}
