import Testing
@testable import SignalDomain

/// `above` / `below` on highs and lows, `pct_up` / `pct_down` against the stored reference.
@Suite struct LevelConditionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let condition: Condition
        let level: String
        /// The hour after the first check: minute 1 (any later candle is flat at the first price).
        let candle: (o: String, h: String, l: String, c: String)
        /// nil: nothing fires.
        let reached: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "above: a wick reaches it", condition: .above, level: "65000",
             candle: ("64000", "65010.5", "63900", "64100"), reached: "65010.5"),
        Case(name: "above: the high equals it", condition: .above, level: "65000",
             candle: ("64000", "65000.00000000", "63900", "64100"), reached: "65000"),
        Case(name: "above: one tick short", condition: .above, level: "65000",
             candle: ("64000", "64999.99", "63900", "64100"), reached: nil),
        Case(name: "above: a gap over the level counts", condition: .above, level: "65000",
             candle: ("66000", "66000", "66000", "66000"), reached: "66000"),
        Case(name: "above: decimals equal exactly", condition: .above, level: "0.3",
             candle: ("0.1", "0.30000000", "0.1", "0.2"), reached: "0.3"),
        Case(name: "below: a wick reaches it", condition: .below, level: "60000",
             candle: ("61000", "61500", "59990.01", "61000"), reached: "59990.01"),
        Case(name: "below: the low equals it", condition: .below, level: "60000",
             candle: ("61000", "61500", "60000", "61000"), reached: "60000"),
        Case(name: "below: one tick short", condition: .below, level: "60000",
             candle: ("61000", "61500", "60000.01", "61000"), reached: nil),
        Case(name: "below: a hair above the level", condition: .below, level: "0.1867",
             candle: ("0.19", "0.2", "0.18670001", "0.19"), reached: nil),
    ]

    @Test(arguments: cases)
    func firesOnTheRightExtreme(_ c: Case) throws {
        let signal = makeSignal(c.condition, target: c.level)
        var run = Run(signal)
        // The first check, at 20:00:30, sees a quiet current candle.
        let start = c.condition == .above ? "0.01" : "1000000"
        #expect(run.check(at: at(0, 30), [flat(0, start)]).isEmpty)
        let events = run.check(at: at(3), [flat(0, start), m1(1, o: c.candle.o, h: c.candle.h, l: c.candle.l, c: c.candle.c), flat(2, c.candle.c)])
        guard let reached = c.reached else {
            #expect(events.isEmpty)
            return
        }
        try #require(events.count == 1)
        let e = events[0]
        #expect(e.key == (c.condition == .above ? "above" : "below"))
        #expect(e.priceReached.text == reached)
        #expect(e.level == p(c.level))
        #expect(e.reachedAt == at(1))
        #expect(e.reachedWithinMs == 60_000)
        #expect(!e.closesTrade)
        #expect(e.sortKey == "EVENT#0001#\(e.key)")
    }

    @Test func firstCheckFiresWhenAlreadyPastTheTarget() {
        var run = Run(makeSignal(.above, target: "65000"))
        let events = run.check(at: at(0, 20), [m1(0, o: "65100", h: "65200", l: "65050", c: "65150")])
        #expect(events.keys == ["above"])
        #expect(events.first?.priceReached == p("65200"))
    }

    @Test func firstCheckLooksAtTheCurrentCandleOnly() {
        var run = Run(makeSignal(.above, target: "65000"))
        // An hour-old spike before the signal existed does not fire.
        let events = run.check(at: at(60, 5), [m1(1, o: "64000", h: "66000", l: "64000", c: "64000"), flat(60, "64000")])
        #expect(events.isEmpty)
        #expect(run.state?.firstCheckedAt == at(60, 5))
    }

    @Test func theFirstCandleFiresFirstWithinAWindow() {
        var run = Run(makeSignal(.below, target: "100"))
        run.check(at: at(0, 1), [flat(0, "120")])
        let events = run.check(at: at(10), [flat(0, "120"), flat(1, "110"), m1(2, o: "110", h: "110", l: "99", c: "105"),
                                           m1(3, o: "105", h: "105", l: "95", c: "101")])
        #expect(events.count == 1)
        #expect(events.first?.reachedAt == at(2))
        #expect(events.first?.priceReached == p("99"))
    }

    // MARK: - pct_up / pct_down

    @Test func percentMovesAreMeasuredFromTheFirstClose() {
        var run = Run(makeSignal(.pctUp, percent: "5"))
        // First check: the reference is the close (100), even though the candle went higher before it.
        #expect(run.check(at: at(0, 40), [m1(0, o: "100", h: "106", l: "99", c: "100")]).isEmpty)
        #expect(run.state?.reference == p("100"))
        // 104.99 is not 5 %; 105 exactly is.
        #expect(run.check(at: at(30), [m1(0, o: "100", h: "106", l: "99", c: "101"), m1(1, o: "101", h: "104.99", l: "100", c: "104")]).isEmpty)
        let events = run.check(at: at(60), [m1(30, o: "104", h: "105.00", l: "103", c: "104")])
        #expect(events.keys == ["pct_up"])
        #expect(events.first?.level == p("105"))
        #expect(events.first?.reference == p("100"))
        #expect(run.state?.reference == p("100"))  // kept
    }

    @Test func percentDownUsesLows() {
        var run = Run(makeSignal(.pctDown, percent: "3"))
        run.check(at: at(0, 59), [m1(0, o: "0.19", h: "0.19", l: "0.18", c: "0.1867")])
        let events = run.check(at: at(60), [m1(5, o: "0.1867", h: "0.2", l: "0.181099", c: "0.19")])
        #expect(events.keys == ["pct_down"])
        #expect(events.first?.level == p("0.181099"))
        #expect(events.first?.priceReached == p("0.181099"))
    }

    @Test func withoutACandleAtTheFirstCheckTheReferenceIsTheNextOpen() {
        var run = Run(makeSignal(.pctUp, percent: "10"))
        #expect(run.check(at: at(0, 30), []).isEmpty)
        #expect(run.state?.reference == nil)
        let events = run.check(at: at(60), [m1(1, o: "50", h: "54", l: "50", c: "52"), m1(2, o: "52", h: "55", l: "52", c: "55")])
        #expect(run.state?.reference == p("50"))
        #expect(events.map(\.reachedAt) == [at(2)])
    }
}
