import Testing
@testable import SignalDomain

/// Splitting an interval into several checks must not change what fires.
///
/// A seeded generator makes a market (one trade per second, integer cents) and a random signal; the
/// exchange as seen at time `t` is every trade before `t`, served as 1-minute candles and, on request,
/// 1-second candles. The same history is then checked twice: at the first check and once at the end
/// ("whole"), and at the first check plus several random times in between ("split"). Properties:
///
/// 1. Every check of both runs fires exactly what an independent trade-by-trade simulation (`Oracle`)
///    fires for that check: key, and the minute the level was reached.
/// 2. `once` and durations: the events of the split run, together, are the events of the whole run —
///    nothing fired twice, nothing missed.
/// 3. No event key ever fires twice within a run, with or without 1-second detail.
///
/// `every` fires per check by definition, so a run with more checks fires more events: for it, property
/// 1 says that each check fires at most one event, exactly when the price at the start of its window
/// (the previous check's last price) or a trade after the previous check reached the level.
@Suite struct PropertyTests {
    static let seeds = Array(UInt64(1)...UInt64(300))

    @Test(arguments: seeds)
    func splittingChecksChangesNothing(_ seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let market = Market.random(&rng)
        let signal = randomSignal(&rng, market)
        let (first, end, splits) = randomChecks(&rng)
        let context = "seed \(seed): \(signal.condition) \(signal.levelsFingerprint) repeat \(signal.repeatMode) checks \(([first] + splits + [end]).map { ($0 - T0) / 1000 })"

        let whole = market.run(signal, checks: [first, end], detail: true)
        let split = market.run(signal, checks: [first] + splits + [end], detail: true)

        // 1. Each check matches the trade-by-trade oracle.
        for (run, checks) in [(whole, [first, end]), (split, [first] + splits + [end])] {
            var oracle = Oracle(signal: signal, market: market)
            for (events, t) in zip(run, checks) {
                let expected = oracle.check(at: t)
                let got = events.map { EventID(key: $0.key, minute: CandleInterval.oneMinute.floor($0.reachedAt)) }
                #expect(got == expected, "check at +\((t - T0) / 1000)s; \(context)")
            }
        }
        // 2. Union of the split checks = the whole interval, for once and durations.
        let wholeIDs = whole.joined().map { EventID(key: $0.key, minute: CandleInterval.oneMinute.floor($0.reachedAt)) }
        let splitIDs = split.joined().map { EventID(key: $0.key, minute: CandleInterval.oneMinute.floor($0.reachedAt)) }
        if signal.repeatMode != .every {
            #expect(splitIDs == wholeIDs, "\(context)")
        }
        // 3. Never twice.
        #expect(Set(splitIDs.map(\.key)).count == splitIDs.count, "\(context)")
        #expect(Set(wholeIDs.map(\.key)).count == wholeIDs.count, "\(context)")
    }

    @Test(arguments: seeds)
    func withoutDetailNothingFiresTwice(_ seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let market = Market.random(&rng)
        let signal = randomSignal(&rng, market)
        let (first, end, splits) = randomChecks(&rng)
        let split = market.run(signal, checks: [first] + splits + [end], detail: false)
        let keys = split.joined().map(\.key)
        #expect(Set(keys).count == keys.count, "seed \(seed)")
        if signal.repeatMode == .every {
            // At most once per check: one event for a level; each of entry / TPs / SL at most once for a trade.
            let isTrade = signal.condition == .long || signal.condition == .short
            #expect(split.allSatisfy { isTrade ? Set($0.map(\.kind)).count == $0.count : $0.count <= 1 }, "seed \(seed)")
        }
        // Plain levels need no detail to split cleanly (nothing of theirs is ever ambiguous).
        if signal.repeatMode != .every, signal.condition == .above || signal.condition == .below {
            let whole = market.run(signal, checks: [first, end], detail: false)
            #expect(whole.joined().map(\.key) == keys, "seed \(seed)")
            #expect(whole.joined().map(\.reachedAt) == split.joined().map(\.reachedAt), "seed \(seed)")
        }
    }

    // MARK: - Generators

    static func cents(_ c: Int) -> String {
        let frac = c % 100
        return "\(c / 100)." + (frac < 10 ? "0" : "") + "\(frac)"
    }

    func randomSignal(_ rng: inout SeededGenerator, _ market: Market) -> Signal {
        let lo = market.ticks.min()!
        let hi = market.ticks.max()!
        let modes: [Repeat] = [.once, .once, .every, .cooldown(seconds: 30), .cooldown(seconds: 60), .cooldown(seconds: 90),
                               .cooldown(seconds: 300), .cooldown(seconds: 1800)]
        let mode = modes[rng.int(0..<modes.count)]
        let price = { (c: Int) in Self.cents(max(1, c)) }
        switch rng.int(0..<6) {
        case 0:
            return makeSignal(.above, target: price(rng.int(lo...(hi + 20))), repeat: mode)
        case 1:
            return makeSignal(.below, target: price(rng.int((lo - 20)...hi)), repeat: mode)
        case 2, 3:
            let percents = ["0.1", "0.25", "0.5", "1", "2", "3.5"]
            return makeSignal(rng.int(0..<2) == 0 ? .pctUp : .pctDown, percent: percents[rng.int(0..<percents.count)],
                              repeat: mode)
        default:
            let long = rng.int(0..<2) == 0
            let sign = long ? 1 : -1
            let blank = rng.int(0..<5) == 0
            let entry = blank ? market.ticks[60] : rng.int(lo...hi)
            var tps: [Int] = []
            var level = entry
            if rng.int(0..<10) > 0 {
                for _ in 0..<rng.int(1...3) {
                    level += sign * rng.int(5...150)
                    tps.append(level)
                }
            }
            let sl: Int? = rng.int(0..<10) > 0 || tps.isEmpty ? entry - sign * rng.int(5...150) : nil
            return makeSignal(long ? .long : .short, entry: blank ? nil : price(entry), tps: tps.map(price),
                              sl: sl.map(price), repeat: mode)
        }
    }

    /// The first check, the last, and 1–8 checks in between (some on minute boundaries, some seconds apart).
    func randomChecks(_ rng: inout SeededGenerator) -> (EpochMillis, EpochMillis, [EpochMillis]) {
        var first = rng.int(0...600)
        if rng.int(0..<5) == 0 { first = first / 60 * 60 }
        let end = rng.int(4800...5399)
        var points = Set<Int>()
        for _ in 0..<rng.int(1...8) {
            var t = rng.int((first + 1)...(end - 1))
            switch rng.int(0..<10) {
            case 0, 1, 2: t = max(first + 1, t / 60 * 60)  // on a minute boundary
            case 3, 4: points.insert(min(end - 1, t + rng.int(1...20)))  // two checks close together
            default: break
            }
            points.insert(t)
        }
        let splits = points.filter { $0 > first && $0 < end }.sorted().map { T0 + Int64($0) * 1000 }
        return (T0 + Int64(first) * 1000, T0 + Int64(end) * 1000, splits)
    }
}

/// A deterministic generator (SplitMix64), so that a failing seed can be replayed.
struct SeededGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ r: Range<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
}

struct EventID: Hashable, CustomStringConvertible {
    let key: String
    let minute: EpochMillis
    var description: String { "\(key)@+\((minute - T0) / 60_000)m" }
}

/// One trade per second from T0, in integer cents.
struct Market {
    let ticks: [Int]
    private let prices: [Int: Price]

    init(ticks: [Int]) {
        self.ticks = ticks
        var prices: [Int: Price] = [:]
        for t in Set(ticks) { prices[t] = Price(PropertyTests.cents(t))! }
        self.prices = prices
    }

    static func random(_ rng: inout SeededGenerator) -> Market {
        var x = 10_000 + rng.int(-2000...2000)
        let jumpsPerThousand = [10, 10, 40, 150][rng.int(0..<4)]  // calm to wild: wild markets tie often
        var ticks: [Int] = []
        ticks.reserveCapacity(5400)
        for _ in 0..<5400 {
            ticks.append(x)
            let jump = rng.int(0..<1000) < jumpsPerThousand
            x = max(100, x + (jump ? rng.int(-80...80) : rng.int(-6...6)))
        }
        return Market(ticks: ticks)
    }

    func price(_ cents: Int) -> Price { prices[cents]! }

    /// Index of the trade at time `t` (whole seconds from T0).
    static func index(_ t: EpochMillis) -> Int { Int((t - T0) / 1000) }

    /// A candle of the trades in `[from, min(from + length, before))`, nil when there are none.
    func candle(from: EpochMillis, length: CandleInterval, before: EpochMillis) -> Candle? {
        let lo = max(0, Market.index(from))
        let hi = min(ticks.count, Market.index(min(from + length.milliseconds, before)))
        guard lo < hi else { return nil }
        let slice = ticks[lo..<hi]
        return Candle(openTime: from, interval: length, open: price(slice.first!), high: price(slice.max()!),
                      low: price(slice.min()!), close: price(slice.last!))
    }

    /// Checks `signal` at each time, as the worker would: window, candles, detail on request, stored state.
    func run(_ signal: Signal, checks: [EpochMillis], detail: Bool) -> [[SignalEvent]] {
        var state: SignalState?
        var out: [[SignalEvent]] = []
        for now in checks {
            let window = CheckWindow.for(signal: signal, state: state, now: now)
            let candles = window.segments.flatMap { seg in
                stride(from: seg.from, to: seg.until, by: Int(seg.interval.milliseconds)).compactMap {
                    candle(from: $0, length: seg.interval, before: now)
                }
            }
            var seconds: [EpochMillis: [Candle]] = [:]
            while true {
                let e = Evaluator.evaluate(signal: signal, state: state, candles: candles, now: now,
                                           detail: detail ? .available(seconds) : .unavailable)
                if let minute = e.needsDetail {
                    precondition(seconds[minute] == nil, "asked twice for the same minute")
                    seconds[minute] = stride(from: minute, to: minute + 60_000, by: 1000).compactMap {
                        candle(from: $0, length: .oneSecond, before: now)
                    }
                    continue
                }
                state = try! SignalState(attributes: e.newState!.attributes)
                out.append(e.events)
                break
            }
        }
        return out
    }
}

/// SPEC §3 simulated one trade at a time: no candles, so no ties and nothing ambiguous. Written apart
/// from `SignalMachine` on purpose.
struct Oracle {
    enum State: Equatable {
        case watching, fired(EpochMillis)
        case waiting, inTrade(Int), closed(EpochMillis)
    }

    let signal: Signal
    let market: Market
    var state: State
    var cycle = 1
    var fires = 0
    var lastFiredCheck: EpochMillis?
    var reference: Int?
    var previous: EpochMillis?
    var now: EpochMillis = 0
    var events: [EventID] = []

    init(signal: Signal, market: Market) {
        self.signal = signal
        self.market = market
        switch signal.condition {
        case .above, .below, .pctUp, .pctDown: state = .watching
        case .long, .short: state = signal.entry == nil ? .inTrade(0) : .waiting
        }
    }

    static func cents(_ p: Price) -> Int { Int((p.value * 100).rounded()) }

    mutating func check(at t: EpochMillis) -> [EventID] {
        now = t
        events = []
        let minuteStart = CandleInterval.oneMinute.floor
        guard let prev = previous else {
            // First check: the trades of the current minute so far.
            let trades = Array(Market.index(minuteStart(t))..<Market.index(t))
            if signal.condition == .pctUp || signal.condition == .pctDown {
                reference = trades.last.map { market.ticks[$0] }
            } else {
                for i in trades { trade(market.ticks[i], at: T0 + Int64(i) * 1000) }
            }
            previous = t
            return events
        }
        if case .every = signal.repeatMode, lastFiredCheck != t {
            switch state {
            case .fired: state = .watching
            case .closed:
                cycle += 1
                state = signal.entry == nil ? .inTrade(0) : .waiting
            case .watching, .waiting, .inTrade: break
            }
        }
        let seenFrom = Market.index(minuteStart(prev))
        let newFrom = Market.index(prev)
        if (signal.condition == .pctUp || signal.condition == .pctDown) && reference == nil {
            reference = (seenFrom..<Market.index(t)).first.map { market.ticks[$0] }
        }
        // The window starts where the previous check left the price, then every trade since.
        if seenFrom < newFrom { trade(market.ticks[newFrom - 1], at: prev) }
        for i in newFrom..<Market.index(t) { trade(market.ticks[i], at: T0 + Int64(i) * 1000) }
        previous = t
        return events
    }

    private mutating func trade(_ x: Int, at time: EpochMillis) {
        let up = { (level: Price) in x >= Oracle.cents(level) }
        let down = { (level: Price) in x <= Oracle.cents(level) }
        let isLong = signal.condition == .long
        let favourable = isLong ? up : down
        let adverse = isLong ? down : up
        let tps = signal.takeProfits.map(Oracle.cents).sorted { isLong ? $0 < $1 : $0 > $1 }
        while true {
            switch state {
            case .watching:
                let reached: Bool
                switch signal.condition {
                case .above: reached = up(signal.targetPrice!)
                case .below: reached = down(signal.targetPrice!)
                case .pctUp, .pctDown:
                    guard let ref = reference else { return }
                    let pct = Oracle.cents(signal.percent!)  // percent × 100
                    // x ≥ ref × (1 + pct/10000) ⇔ x × 10000 ≥ ref × (10000 + pct), exactly in integers.
                    reached = signal.condition == .pctUp ? x * 10_000 >= ref * (10_000 + pct) : x * 10_000 <= ref * (10_000 - pct)
                case .long, .short: return
                }
                guard reached else { return }
                fire(signal.condition.rawValue, at: time)
                state = .fired(time)
                return
            case .fired(let at), .closed(let at):
                guard case .cooldown(let s) = signal.repeatMode,
                    time >= SignalMachine.rearmTime(reachedAt: at, cooldownSeconds: s)
                else { return }
                if case .closed = state {
                    cycle += 1
                    state = signal.entry == nil ? .inTrade(0) : .waiting
                } else {
                    state = .watching
                }
            case .waiting:
                guard favourable(signal.entry!) else { return }
                fire("entry", at: time)
                state = .inTrade(0)
            case .inTrade(let hit):
                if let sl = signal.stopLoss, adverse(sl) {
                    fire("sl", at: time)
                    state = .closed(time)
                    return
                }
                guard hit < tps.count, isLong ? x >= tps[hit] : x <= tps[hit] else { return }
                fire("tp\(hit + 1)", at: time)
                state = hit + 1 == tps.count ? .closed(time) : .inTrade(hit + 1)
                if hit + 1 == tps.count { return }
            }
        }
    }

    private mutating func fire(_ name: String, at time: EpochMillis) {
        let trade = signal.condition == .long || signal.condition == .short
        let key: String
        switch signal.repeatMode {
        case .once: key = name
        case .every: key = trade ? "\(name).\(cycle)" : "\(name)@\(now)"
        case .cooldown: key = trade ? "\(name).\(cycle)" : "\(name).\(fires + 1)"
        }
        events.append(EventID(key: key, minute: CandleInterval.oneMinute.floor(time)))
        fires += 1
        lastFiredCheck = now
    }
}
