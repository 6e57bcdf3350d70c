/// The levels a signal watches, resolved for one evaluation.
enum Plan: Sendable {
    /// `above`/`below`/`pct_*`: one level, reached by highs (`.high`) or lows.
    case level(kind: SignalEvent.Kind, level: Price, side: Side, reference: Price?)
    /// `long` (favourable side `.high`) or `short` (`.low`).
    case trade(favourable: Side, entry: Price?, takeProfits: [Price], stopLoss: Price?)
    /// Nothing can fire yet (a percentage without its reference) or ever (a fall of 100 % or more).
    case idle

    init(signal: Signal, reference: Price?) {
        switch signal.condition {
        case .above:
            self = signal.targetPrice.map { .level(kind: .above, level: $0, side: .high, reference: nil) } ?? .idle
        case .below:
            self = signal.targetPrice.map { .level(kind: .below, level: $0, side: .low, reference: nil) } ?? .idle
        case .pctUp, .pctDown:
            let up = signal.condition == .pctUp
            guard let reference, let percent = signal.percent,
                let level = Price.percentLevel(reference: reference, percent: percent, up: up)
            else {
                self = .idle
                return
            }
            self = .level(kind: up ? .pctUp : .pctDown, level: level, side: up ? .high : .low, reference: reference)
        case .long:
            let tps = signal.takeProfits.sorted { Price.compareExactly($0, $1) < 0 }
            self = .trade(favourable: .high, entry: signal.entry, takeProfits: tps, stopLoss: signal.stopLoss)
        case .short:
            let tps = signal.takeProfits.sorted { Price.compareExactly($0, $1) > 0 }
            self = .trade(favourable: .low, entry: signal.entry, takeProfits: tps, stopLoss: signal.stopLoss)
        }
    }
}

/// The signal lifecycle as a state machine over spans of price history, in time order (SPEC §3).
/// The evaluator owns it for one check; everything it decides ends up in `SignalState` and `events`.
struct SignalMachine: Sendable {
    enum Mode: Sendable {
        /// Report an ambiguity instead of guessing the order of events within a span.
        case exact
        /// No finer data: "maybe" counts as not reached, and a stop-loss reached in the span wins.
        case stopLossFirst
    }

    enum Step: Sendable, Equatable {
        case settled
        /// The span cannot be decided without finer data; the machine is unchanged.
        case ambiguous
    }

    let plan: Plan
    let repeatMode: Repeat
    let arming: Int
    let check: EpochMillis
    private(set) var phase: Phase
    private(set) var cycle: Int
    private(set) var fireCount: Int
    private(set) var lastReachedAt: EpochMillis?
    private(set) var lastFiredCheck: EpochMillis?
    private(set) var events: [SignalEvent] = []

    init(plan: Plan, repeatMode: Repeat, state: SignalState, check: EpochMillis) {
        self.plan = plan
        self.repeatMode = repeatMode
        self.arming = state.arming
        self.check = check
        phase = state.phase
        cycle = state.cycle
        fireCount = state.fireCount
        lastReachedAt = state.lastReachedAt
        lastFiredCheck = state.lastFiredCheck
    }

    /// `every` re-arms at each new check: a fired level watches again, a closed trade starts the next one.
    mutating func beginCheck() {
        guard case .every = repeatMode, lastFiredCheck != check else { return }
        switch (phase, plan) {
        case (.level(.fired), _):
            phase = .level(.watching)
        case (.trade(.closed), .trade(_, let entry, _, _)):
            cycle += 1
            phase = .trade(.opening(entry: entry))
        case (.level(.watching), _), (.trade(.waitingForEntry), _), (.trade(.inTrade), _), (.trade(.closed), .level),
            (.trade(.closed), .idle):
            break
        }
    }

    /// Advances through one span. On `.ambiguous` nothing changed.
    mutating func consume(_ span: Span, mode: Mode) -> Step {
        let before = (phase, cycle, fireCount, lastReachedAt, lastFiredCheck, events.count)
        let step: Step
        switch plan {
        case .idle:
            step = .settled
        case .level(let kind, let level, let side, let reference):
            step = consumeLevel(span, mode: mode, kind: kind, level: level, side: side, reference: reference)
        case .trade(let favourable, let entry, let tps, let sl):
            step = consumeTrade(span, mode: mode, favourable: favourable, entry: entry, tps: tps, sl: sl)
        }
        if step == .ambiguous {
            (phase, cycle, fireCount, lastReachedAt, lastFiredCheck) = (before.0, before.1, before.2, before.3, before.4)
            events.removeLast(events.count - before.5)
        }
        return step
    }

    // MARK: - above / below / pct

    private mutating func consumeLevel(
        _ span: Span, mode: Mode, kind: SignalEvent.Kind, level: Price, side: Side, reference: Price?
    ) -> Step {
        while true {
            switch phase {
            case .level(.watching):
                switch span.reach(level, by: side) {
                case .no:
                    return .settled
                case .maybe:
                    return mode == .exact ? .ambiguous : .settled
                case .yes:
                    fire(kind, level: level, price: span.extreme(side), span: span, closes: false, reference: reference)
                    phase = .level(.fired(reachedAt: span.time))
                    return .settled
                }
            case .level(.fired(let at)):
                guard isRearmed(firedAt: at, by: span) else { return .settled }
                phase = .level(.watching)
            case .trade:
                return .settled  // a level plan never holds a trade phase (the evaluator starts afresh)
            }
        }
    }

    // MARK: - long / short

    private mutating func consumeTrade(
        _ span: Span, mode: Mode, favourable: Side, entry: Price?, tps: [Price], sl: Price?
    ) -> Step {
        let adverse = favourable.opposite
        // Once the price moved the favourable way in this span, a stop-loss reached in the same span may
        // have come before or after: only finer data can tell.
        var movedFavourably = false
        while true {
            switch phase {
            case .trade(.waitingForEntry):
                guard let entry else {
                    phase = .trade(.inTrade(takeProfitsHit: 0))
                    continue
                }
                switch span.reach(entry, by: favourable) {
                case .no:
                    return .settled
                case .maybe:
                    return mode == .exact ? .ambiguous : .settled
                case .yes:
                    fire(.entry, level: entry, price: span.extreme(favourable), span: span, closes: false, tps: tps.count)
                    phase = .trade(.inTrade(takeProfitsHit: 0))
                    movedFavourably = true
                }
            case .trade(.inTrade(let hit)):
                let nextTP = hit < tps.count ? tps[hit] : nil
                var slReach = sl.map { span.reach($0, by: adverse) } ?? .no
                var tpReach = nextTP.map { span.reach($0, by: favourable) } ?? .no
                switch mode {
                case .exact:
                    if slReach == .maybe || tpReach == .maybe { return .ambiguous }
                    if slReach == .yes && (tpReach == .yes || movedFavourably) { return .ambiguous }
                case .stopLossFirst:
                    if slReach == .maybe { slReach = .no }
                    if tpReach == .maybe { tpReach = .no }
                }
                if slReach == .yes, let sl {
                    fire(.stopLoss, level: sl, price: span.extreme(adverse), span: span, closes: true, tps: tps.count)
                    phase = .trade(.closed(reachedAt: span.time, byStopLoss: true))
                    return .settled
                }
                guard tpReach == .yes, let nextTP else { return .settled }
                let closes = hit + 1 == tps.count
                fire(.takeProfit(hit + 1), level: nextTP, price: span.extreme(favourable), span: span, closes: closes,
                     tps: tps.count)
                phase = .trade(closes ? .closed(reachedAt: span.time, byStopLoss: false) : .inTrade(takeProfitsHit: hit + 1))
                movedFavourably = true
                if closes { return .settled }
            case .trade(.closed(let at, _)):
                guard isRearmed(firedAt: at, by: span) else { return .settled }
                cycle += 1
                phase = .trade(.opening(entry: entry))
            case .level:
                return .settled  // a trade plan never holds a level phase (the evaluator starts afresh)
            }
        }
    }

    // MARK: - Quiet candles

    /// A candle opening before `until` whose high is below `ceiling` and low above `floor` cannot
    /// change anything (no watched level lies in between, no re-arm is due), so the evaluator skips it
    /// without building a span. Strict comparisons of doubles are safe: rounding is monotonic.
    struct QuietBand: Sendable {
        var ceiling: Double
        var floor: Double
        var until: EpochMillis

        static let everything = QuietBand(ceiling: .infinity, floor: -.infinity, until: .max)

        func contains(_ c: Candle) -> Bool {
            c.openTime < until && c.high.value < ceiling && c.low.value > floor
        }
    }

    var quietBand: QuietBand {
        var band = QuietBand.everything
        switch (phase, plan) {
        case (_, .idle):
            break
        case (.level(.watching), .level(_, let level, let side, _)):
            if side == .high { band.ceiling = level.value } else { band.floor = level.value }
        case (.level(.fired(let at)), _), (.trade(.closed(let at, _)), _):
            if case .cooldown(let s) = repeatMode { band.until = SignalMachine.rearmTime(reachedAt: at, cooldownSeconds: s) }
        case (.trade(.waitingForEntry), .trade(let favourable, let entry, _, _)):
            guard let entry else { return QuietBand(ceiling: -.infinity, floor: .infinity, until: .min) }
            if favourable == .high { band.ceiling = entry.value } else { band.floor = entry.value }
        case (.trade(.inTrade(let hit)), .trade(let favourable, _, let tps, let sl)):
            let tp = hit < tps.count ? tps[hit].value : nil
            if favourable == .high {
                band.ceiling = tp ?? .infinity
                band.floor = sl?.value ?? -.infinity
            } else {
                band.floor = tp ?? -.infinity
                band.ceiling = sl?.value ?? .infinity
            }
        case (.level(.watching), .trade), (.trade(.waitingForEntry), .level), (.trade(.inTrade), .level):
            return QuietBand(ceiling: -.infinity, floor: .infinity, until: .min)  // mismatched: look at everything
        }
        return band
    }

    // MARK: - Repeat

    /// A duration re-arms at the first whole minute at least that long after the minute the level was
    /// reached in (minute-based, so the result does not depend on how the history was split into checks).
    private func isRearmed(firedAt: EpochMillis, by span: Span) -> Bool {
        switch repeatMode {
        case .once, .every:
            return false
        case .cooldown(let seconds):
            return span.time >= SignalMachine.rearmTime(reachedAt: firedAt, cooldownSeconds: seconds)
        }
    }

    static func rearmTime(reachedAt: EpochMillis, cooldownSeconds: Int64) -> EpochMillis {
        let minute = CandleInterval.oneMinute
        return minute.ceil(minute.floor(reachedAt) + cooldownSeconds * 1000)
    }

    private mutating func fire(
        _ kind: SignalEvent.Kind, level: Price, price: Price, span: Span, closes: Bool, reference: Price? = nil,
        tps: Int = 0
    ) {
        let key: String
        switch (repeatMode, plan) {
        case (.once, _):
            key = kind.name
        case (.every, .level), (.every, .idle):
            key = kind.name + "@" + String(check)
        case (.cooldown, .level), (.cooldown, .idle):
            key = kind.name + "." + String(fireCount + 1)
        case (.every, .trade), (.cooldown, .trade):
            key = kind.name + "." + String(cycle)
        }
        events.append(SignalEvent(
            kind: kind, key: key, arming: arming, level: level, priceReached: price, reachedAt: span.time,
            reachedWithinMs: span.intervalMs, closesTrade: closes, reference: reference, takeProfitCount: tps))
        fireCount += 1
        lastReachedAt = span.time
        lastFiredCheck = check
    }
}
