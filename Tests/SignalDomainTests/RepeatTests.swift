import Testing
@testable import SignalDomain

/// `repeat`: once per arming, every check, or re-armed a duration after the level was reached.
@Suite struct RepeatTests {
    @Test func onceFiresOncePerArming() {
        var run = Run(makeSignal(.above, target: "100"))
        #expect(run.check(at: at(0, 10), [flat(0, "101")]).keys == ["above"])
        // An hour later the price is still above: nothing.
        #expect(run.check(at: at(60, 10), [flat(0, "101")] + (1...60).map { flat($0, "102") }).isEmpty)
        #expect(run.check(at: at(120, 10), (60...120).map { flat($0, "150") }).isEmpty)
        #expect(run.state?.fireCount == 1)
    }

    @Test func everyFiresOncePerCheckThatFindsTheCondition() {
        var run = Run(makeSignal(.above, target: "100", repeat: .every))
        let first = run.check(at: at(0, 10), [flat(0, "101")])
        #expect(first.keys == ["above@\(at(0, 10))"])
        // Most of the hour above: one event, named by the check, reached where the window starts.
        let second = run.check(at: at(60, 10), (0...60).map { flat($0, $0 < 60 ? "101" : "90") })
        #expect(second.keys == ["above@\(at(60, 10))"])
        #expect(second.first?.reachedAt == at(0))
        #expect(second.first?.sortKey == "EVENT#0001#above@\(at(60, 10))")
        // An hour entirely below: nothing.
        #expect(run.check(at: at(120, 10), (60...120).map { flat($0, "90") }).isEmpty)
        // Back above later in the hour: fires, reached then.
        let fourth = run.check(at: at(180, 10), (120...180).map { flat($0, $0 < 150 ? "90" : "100") })
        #expect(fourth.map(\.reachedAt) == [at(150)])
    }

    @Test func everyNamesTheEventByTheCheckItWasGiven() {
        var run = Run(makeSignal(.below, target: "100", repeat: .every))
        let runTime = at(0)  // the reader's scheduled time, not the worker's clock
        #expect(run.check(at: at(0, 42), [flat(0, "99")], checkTime: runTime).keys == ["below@\(runTime)"])
        // The same check evaluated again (a duplicate tick, or a redelivery after the state was saved): nothing.
        #expect(run.check(at: at(1, 30), [flat(0, "99"), flat(1, "98")], checkTime: runTime).isEmpty)
        #expect(run.check(at: at(60, 30), (1...60).map { flat($0, "98") }, checkTime: at(60)).keys == ["below@\(at(60))"])
    }

    struct CooldownCase: CustomTestStringConvertible, Sendable {
        let name: String
        let cooldown: String
        /// Minutes (after minute 0) whose candle reaches the level; every other candle stays below it.
        let reaching: [Int]
        /// Expected events: key and minute reached.
        let expected: [(String, Int)]
        var testDescription: String { name }
    }

    static let cooldownCases: [CooldownCase] = [
        CooldownCase(name: "30m: reached again 29 min later is too soon", cooldown: "30m", reaching: [0, 29],
                     expected: [("above.1", 0)]),
        CooldownCase(name: "30m: re-armed exactly 30 min later", cooldown: "30m", reaching: [0, 30],
                     expected: [("above.1", 0), ("above.2", 30)]),
        CooldownCase(name: "30m: every minute above fires every 30 min", cooldown: "30m", reaching: Array(0...90),
                     expected: [("above.1", 0), ("above.2", 30), ("above.3", 60), ("above.4", 90)]),
        CooldownCase(name: "90s: re-arms at the next whole minute after 90 s", cooldown: "90s", reaching: [0, 1, 2, 3, 4],
                     expected: [("above.1", 0), ("above.2", 2), ("above.3", 4)]),
        CooldownCase(name: "1h: counts from the reach, not from the check", cooldown: "1h", reaching: [10, 69, 70],
                     expected: [("above.1", 10), ("above.2", 70)]),
    ]

    @Test(arguments: cooldownCases)
    func cooldownReArmsThatLongAfterTheLevelWasReached(_ c: CooldownCase) {
        var run = Run(makeSignal(.above, target: "100", repeat: Repeat(text: c.cooldown)!))
        let reaching = Set(c.reaching)
        func candle(_ n: Int) -> Candle { reaching.contains(n) ? m1(n, o: "99", h: "100", l: "99", c: "99") : flat(n, "99") }
        var events = run.check(at: at(0, 30), [candle(0)])
        // Hourly checks over two hours.
        for hour in 1...2 { events += run.check(at: at(hour * 60, 30), ((hour - 1) * 60...hour * 60).map(candle)) }
        #expect(events.map(\.key) == c.expected.map(\.0))
        #expect(events.map(\.reachedAt) == c.expected.map { at($0.1) })
        #expect(run.state?.lastReachedAt == c.expected.last.map { at($0.1) })
    }

    @Test func fourHourCooldownAcrossHourlyChecks() {
        var run = Run(makeSignal(.below, target: "100", repeat: Repeat(text: "4h")!))
        #expect(run.check(at: at(0, 5), [flat(0, "99")]).keys == ["below.1"])
        #expect(run.check(at: at(239, 59), (0...239).map { flat($0, "99") }).isEmpty)
        #expect(run.check(at: at(241), [flat(239, "99"), flat(240, "99")]).keys == ["below.2"])
    }
}
