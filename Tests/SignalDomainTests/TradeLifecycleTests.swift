import Testing
@testable import SignalDomain

/// `long` / `short`: entry → TP1 … TPn → closed, or stop-loss → closed; ties settled by 1-second
/// candles, else the stop-loss wins.
@Suite struct TradeLifecycleTests {
    static let long = makeSignal(.long, entry: "100", tps: ["120", "110"], sl: "90")
    static let short = makeSignal(.short, entry: "100", tps: ["80", "90"], sl: "110")

    struct Step: Sendable {
        let o: String, h: String, l: String, c: String
        init(_ o: String, _ h: String, _ l: String, _ c: String) { (self.o, self.h, self.l, self.c) = (o, h, l, c) }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let signal: Signal
        /// Candles at minutes 1, 2, … after a quiet first check at 20:00:30 (price 95 long / 105 short).
        let steps: [Step]
        /// Expected: key, minute reached, price reached, closes.
        let expected: [(String, Int, String, Bool)]
        let phase: TradePhase
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "long: entry, TP1, TP2 closes", signal: long,
             steps: [Step("95", "100", "94", "99"), Step("99", "111", "98", "109"), Step("109", "125", "105", "124")],
             expected: [("entry", 1, "100", false), ("tp1", 2, "111", false), ("tp2", 3, "125", true)],
             phase: .closed(reachedAt: at(3), byStopLoss: false)),
        Case(name: "long: entry then stop-loss closes", signal: long,
             steps: [Step("95", "101", "95", "100"), Step("100", "100", "89.5", "92")],
             expected: [("entry", 1, "101", false), ("sl", 2, "89.5", true)],
             phase: .closed(reachedAt: at(2), byStopLoss: true)),
        Case(name: "long: stop-loss level before entry means nothing", signal: long,
             steps: [Step("95", "96", "85", "90"), Step("90", "99", "88", "99")],
             expected: [], phase: .waitingForEntry),
        Case(name: "long: entry and both TPs in one candle, in order", signal: long,
             steps: [Step("95", "130", "95", "128")],
             expected: [("entry", 1, "130", false), ("tp1", 1, "130", false), ("tp2", 1, "130", true)],
             phase: .closed(reachedAt: at(1), byStopLoss: false)),
        Case(name: "long: after closing, nothing more", signal: long,
             steps: [Step("95", "130", "95", "128"), Step("128", "140", "50", "60")],
             expected: [("entry", 1, "130", false), ("tp1", 1, "130", false), ("tp2", 1, "130", true)],
             phase: .closed(reachedAt: at(1), byStopLoss: false)),
        Case(name: "long: TP1 then stop-loss closes after a partial win", signal: long,
             steps: [Step("95", "110", "95", "109"), Step("109", "109", "90", "91")],
             expected: [("entry", 1, "110", false), ("tp1", 1, "110", false), ("sl", 2, "90", true)],
             phase: .closed(reachedAt: at(2), byStopLoss: true)),
        Case(name: "long: TP and stop-loss in one candle, no detail: only the stop-loss", signal: long,
             steps: [Step("95", "100", "95", "100"), Step("100", "112", "88", "95")],
             expected: [("entry", 1, "100", false), ("sl", 2, "88", true)],
             phase: .closed(reachedAt: at(2), byStopLoss: true)),
        Case(name: "long: entry and stop-loss in one candle, no detail: entered and stopped", signal: long,
             steps: [Step("95", "101", "89", "95")],
             expected: [("entry", 1, "101", false), ("sl", 1, "89", true)],
             phase: .closed(reachedAt: at(1), byStopLoss: true)),
        Case(name: "long: blank entry is entered at the first check, without an event",
             signal: makeSignal(.long, tps: ["110"], sl: "90"),
             steps: [Step("95", "110", "94", "109")],
             expected: [("tp1", 1, "110", true)], phase: .closed(reachedAt: at(1), byStopLoss: false)),
        Case(name: "long: no take-profit, only a stop-loss", signal: makeSignal(.long, entry: "100", sl: "90"),
             steps: [Step("95", "500", "95", "400"), Step("400", "400", "90", "90")],
             expected: [("entry", 1, "500", false), ("sl", 2, "90", true)],
             phase: .closed(reachedAt: at(2), byStopLoss: true)),
        Case(name: "short: entry by a low, TPs by lows, closes", signal: short,
             steps: [Step("105", "106", "100", "101"), Step("101", "102", "90", "91"), Step("91", "95", "79.9", "81")],
             expected: [("entry", 1, "100", false), ("tp1", 2, "90", false), ("tp2", 3, "79.9", true)],
             phase: .closed(reachedAt: at(3), byStopLoss: false)),
        Case(name: "short: stop-loss by a high", signal: short,
             steps: [Step("105", "106", "99", "101"), Step("101", "110", "100", "108")],
             expected: [("entry", 1, "99", false), ("sl", 2, "110", true)],
             phase: .closed(reachedAt: at(2), byStopLoss: true)),
        Case(name: "short: TP and stop-loss in one candle, no detail: only the stop-loss", signal: short,
             steps: [Step("105", "106", "99", "101"), Step("101", "111", "89", "100")],
             expected: [("entry", 1, "99", false), ("sl", 2, "111", true)],
             phase: .closed(reachedAt: at(2), byStopLoss: true)),
        Case(name: "short: entry level above the price waits", signal: short,
             steps: [Step("105", "120", "100.01", "110")],
             expected: [], phase: .waitingForEntry),
    ]

    @Test(arguments: cases)
    func lifecycle(_ c: Case) {
        var run = Run(c.signal)
        let start = c.signal.condition == .long ? "95" : "105"
        #expect(run.check(at: at(0, 30), [flat(0, start)]).isEmpty)
        let candles = [flat(0, start)] + c.steps.enumerated().map { i, s in m1(i + 1, o: s.o, h: s.h, l: s.l, c: s.c) }
        let events = run.check(at: at(c.steps.count + 1), candles)
        #expect(events.map(\.key) == c.expected.map(\.0))
        #expect(events.map(\.reachedAt) == c.expected.map { at($0.1) })
        #expect(events.map(\.priceReached.text) == c.expected.map(\.2))
        #expect(events.map(\.closesTrade) == c.expected.map(\.3))
        #expect(run.state?.phase == .trade(c.phase))
        #expect(events.allSatisfy { $0.takeProfitCount == c.signal.takeProfits.count })
    }

    @Test func takeProfitsAreNumberedByDistanceFromEntry() {
        var run = Run(Self.short)
        run.check(at: at(0, 30), [flat(0, "105")])
        let events = run.check(at: at(5), [flat(0, "105"), m1(1, o: "105", h: "105", l: "89", c: "90")])
        #expect(events.map(\.key) == ["entry", "tp1"])
        #expect(events.map(\.level) == [p("100"), p("90")])
    }

    // MARK: - Ties and 1-second detail

    /// In trade (entered at the first check), then minute 1 reaches both TP1 (110) and the SL (90).
    static func tiedRun() -> Run {
        var run = Run(makeSignal(.long, tps: ["110", "120"], sl: "90"))
        run.check(at: at(0, 30), [flat(0, "100")])
        return run
    }
    static let tiedCandles = [flat(0, "100"), m1(1, o: "100", h: "111", l: "89", c: "95")]

    @Test func aTieAsksForThatMinutesSeconds() {
        let run = Self.tiedRun()
        let e = Evaluator.evaluate(signal: run.signal, state: run.state, candles: Self.tiedCandles, now: at(2),
                                   detail: .available())
        #expect(e.needsDetail == at(1))
        #expect(e.events.isEmpty)
        #expect(e.newState == nil)
    }

    struct DetailCase: CustomTestStringConvertible, Sendable {
        let name: String
        let seconds: [Candle]
        let expected: [(String, EpochMillis, String)]
        var testDescription: String { name }
    }

    static let detailCases: [DetailCase] = [
        DetailCase(name: "TP first, then the stop-loss",
                   seconds: [s1(1, 0, o: "100", h: "105", l: "100", c: "105"), s1(1, 12, o: "105", h: "111", l: "105", c: "108"),
                             s1(1, 40, o: "108", h: "108", l: "89", c: "95")],
                   expected: [("tp1", at(1, 12), "111"), ("sl", at(1, 40), "89")]),
        DetailCase(name: "stop-loss first: the TP after it never counts",
                   seconds: [s1(1, 5, o: "100", h: "100", l: "89", c: "92"), s1(1, 50, o: "92", h: "111", l: "92", c: "95")],
                   expected: [("sl", at(1, 5), "89")]),
        DetailCase(name: "one second spans both: the stop-loss wins",
                   seconds: [s1(1, 30, o: "100", h: "111", l: "89", c: "95")],
                   expected: [("sl", at(1, 30), "89")]),
        DetailCase(name: "detail missing the minute's extremes is not trusted",
                   seconds: [s1(1, 12, o: "100", h: "111", l: "100", c: "108")],
                   expected: [("sl", at(1), "89")]),
        DetailCase(name: "no detail to be had", seconds: [], expected: [("sl", at(1), "89")]),
    ]

    @Test(arguments: detailCases)
    func secondsSettleTheOrder(_ c: DetailCase) {
        var run = Self.tiedRun()
        let events = run.check(at: at(2), Self.tiedCandles, detail: .available([at(1): c.seconds]))
        #expect(events.map(\.key) == c.expected.map(\.0))
        #expect(events.map(\.reachedAt) == c.expected.map(\.1))
        #expect(events.map(\.priceReached.text) == c.expected.map(\.2))
        #expect(events.last?.closesTrade == true)
        #expect(events.filter { $0.kind == .stopLoss }.allSatisfy { $0.reachedWithinMs == (c.expected.last!.1 == at(1) ? 60_000 : 1_000) })
    }

    @Test func entryAndStopLossInOneMinuteSettledBySeconds() {
        var run = Run(Self.long)
        run.check(at: at(0, 30), [flat(0, "95")])
        // The low came first (before entry, harmless), then the entry: the trade is open.
        let seconds = [s1(1, 3, o: "95", h: "95", l: "89", c: "91"), s1(1, 30, o: "91", h: "101", l: "91", c: "100")]
        let events = run.check(at: at(2), [flat(0, "95"), m1(1, o: "95", h: "101", l: "89", c: "100")],
                               detail: .available([at(1): seconds]))
        #expect(events.map(\.key) == ["entry"])
        #expect(run.state?.phase == .trade(.inTrade(takeProfitsHit: 0)))
    }

    @Test func theAsyncHelperFetchesEachMinuteOnce() async {
        let run = Self.tiedRun()
        // Two tied minutes: the seconds of the first show the stop-loss first, so the second is never asked for.
        let candles = [flat(0, "100"), m1(1, o: "100", h: "111", l: "89", c: "105"), m1(2, o: "105", h: "121", l: "89", c: "100")]
        let detail: [EpochMillis: [Candle]] = [
            at(1): [s1(1, 0, o: "100", h: "100", l: "89", c: "95"), s1(1, 1, o: "95", h: "111", l: "95", c: "105")],
            at(2): [s1(2, 0, o: "105", h: "121", l: "105", c: "120"), s1(2, 1, o: "120", h: "120", l: "89", c: "100")],
        ]
        let asked = Counter()
        let e = await Evaluator.evaluate(signal: run.signal, state: run.state, candles: candles, now: at(3)) { minute in
            await asked.add(minute)
            return detail[minute] ?? []
        }
        #expect(await asked.minutes == [at(1)])
        #expect(e.events.map(\.key) == ["sl"])
        #expect(e.events.map(\.reachedAt) == [at(1, 0)])
    }

    @Test func coarseCandlesNeverAskForDetail() {
        var state = Self.tiedRun().state!
        state.lastCheckedAt = at(0, 30) - 3 * 86_400_000  // three days without a check
        state.seen = nil
        let signal = Self.tiedRun().signal
        let window = CheckWindow.for(state: state, now: at(0, 30))
        let body = window.segments.last!
        let candles = [Candle(openTime: body.from, interval: body.interval, open: p("100"), high: p("111"), low: p("89"), close: p("95"))]
        let e = Evaluator.evaluate(signal: signal, state: state, candles: candles, now: at(0, 30), detail: .available())
        #expect(e.needsDetail == nil)
        #expect(e.events.map(\.key) == ["sl"])
        #expect(e.events.first?.reachedWithinMs == body.interval.milliseconds)
    }
}

actor Counter {
    var minutes: [EpochMillis] = []
    func add(_ m: EpochMillis) { minutes.append(m) }
}
