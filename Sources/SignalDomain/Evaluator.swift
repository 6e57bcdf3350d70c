/// Evaluates one signal at one check: given its stored state and the candles of its window, which events
/// fire and what state to store (SPEC §3). Pure: no I/O, no clock; the caller passes `now`.
///
/// Ties inside one 1-minute candle are settled with that minute's 1-second candles. The evaluator asks
/// for them through `Evaluation.needsDetail`; the caller fetches them (Binance) and evaluates again with
/// them in `detail`, or passes `.unavailable` (other venues) so the stop-loss wins.
public enum Evaluator {
    public static func evaluate(
        signal: Signal, state: SignalState?, candles: [Candle], now: EpochMillis, checkTime: EpochMillis? = nil,
        active: Bool = true, detail: Detail = .unavailable
    ) -> Evaluation {
        guard active else { return Evaluation(skipped: .inactive) }
        if let expires = signal.expires, now >= expires { return Evaluation(skipped: .expired) }
        let check = checkTime ?? now

        let fresh: Bool
        let window: CheckWindow
        let base: SignalState
        if let state, !state.startsAfresh(for: signal) {
            (fresh, window, base) = (false, CheckWindow.for(state: state, now: now), state)
        } else {
            // First check, or edited levels: a new arming that starts with the current candle.
            fresh = true
            window = CheckWindow.firstCheck(now: now)
            base = SignalState(
                version: state?.version ?? 0, fingerprint: signal.levelsFingerprint, arming: (state?.arming ?? 0) + 1,
                phase: .initial(for: signal), firstCheckedAt: now, lastCheckedAt: now)
        }
        let usable = inWindow(candles, from: window.start, through: now)

        // pct_up/pct_down measure from the close at the first check; that check only takes the reference.
        var reference = base.reference
        var planReference = reference
        if signal.condition == .pctUp || signal.condition == .pctDown, reference == nil {
            if fresh {
                reference = usable.last?.close
                planReference = nil
            } else {
                reference = usable.first?.open  // no candle at the first check: start from the next one
                planReference = reference
            }
        }

        var machine = SignalMachine(
            plan: Plan(signal: signal, reference: planReference), repeatMode: signal.repeatMode, state: base,
            check: check)
        if !fresh { machine.beginCheck() }

        let seen = fresh ? nil : base.seen
        var refinedMinutes: Set<EpochMillis> = []
        var quiet = machine.quietBand
        for candle in usable {
            let span: Span
            if let seen, candle.openTime == seen.openTime, candle.intervalMs == CandleInterval.oneMinute.milliseconds {
                span = Span(candle: candle, after: seen, checkedAt: base.lastCheckedAt)
            } else {
                if quiet.contains(candle) { continue }
                span = Span(candle: candle)
            }
            defer { quiet = machine.quietBand }
            guard machine.consume(span, mode: .exact) == .ambiguous else { continue }
            if let minute = span.refinableMinute, detail.available {
                guard let seconds = detail.seconds[minute] else {
                    return Evaluation(needsDetail: minute, window: window)
                }
                if let finer = span.refined(with: seconds) {
                    refinedMinutes.insert(minute)
                    for s in finer {
                        // A 1-second candle cannot be split further: if it still ties, the stop-loss wins.
                        if machine.consume(s, mode: .exact) == .ambiguous { _ = machine.consume(s, mode: .stopLossFirst) }
                    }
                    continue
                }
            }
            _ = machine.consume(span, mode: .stopLossFirst)
        }

        var next = base
        next.version = base.version + 1
        next.phase = machine.phase
        next.cycle = machine.cycle
        next.fireCount = machine.fireCount
        next.lastReachedAt = machine.lastReachedAt
        next.lastFiredCheck = machine.lastFiredCheck
        next.reference = reference
        next.lastCheckedAt = fresh ? now : max(base.lastCheckedAt, now)
        next.seen = seenAfter(candles: usable, previous: seen, now: now,
                              detail: refinedMinutes.isEmpty ? [:] : detail.seconds.filter { refinedMinutes.contains($0.key) })
        return Evaluation(events: machine.events, newState: next, window: window)
    }

    /// Evaluates, fetching 1-second detail whenever the evaluation asks for it. `fetchDetail` returns the
    /// minute's 1-second candles (empty when there are none); pass it only for venues that have them.
    public static func evaluate(
        signal: Signal, state: SignalState?, candles: [Candle], now: EpochMillis, checkTime: EpochMillis? = nil,
        active: Bool = true, fetchDetail: (_ minuteOpen: EpochMillis) async throws -> [Candle]
    ) async rethrows -> Evaluation {
        var seconds: [EpochMillis: [Candle]] = [:]
        while true {
            let e = evaluate(signal: signal, state: state, candles: candles, now: now, checkTime: checkTime,
                             active: active, detail: .available(seconds))
            guard let minute = e.needsDetail, seconds[minute] == nil else { return e }
            seconds[minute] = try await fetchDetail(minute)
        }
    }

    /// The candles opening within `[from, through]`, in order (see `ordered`). Exchanges answer in
    /// order, so that is checked in one pass before paying for a copy and a sort.
    static func inWindow(_ candles: [Candle], from: EpochMillis, through: EpochMillis) -> ArraySlice<Candle> {
        guard isOrdered(candles) else { return ordered(candles.filter { $0.openTime >= from && $0.openTime <= through })[...] }
        let lo = candles.firstIndex { $0.openTime >= from } ?? candles.endIndex
        let hi = candles[lo...].firstIndex { $0.openTime > through } ?? candles.endIndex
        return candles[lo..<hi]
    }

    static func isOrdered(_ candles: [Candle]) -> Bool {
        var previousClose = EpochMillis.min
        for c in candles {
            guard c.openTime >= previousClose, c.intervalMs > 0, Price.compareExactly(c.high, c.low) >= 0 else {
                return false
            }
            previousClose = c.closeTime
        }
        return true
    }

    /// Sorted by open time; of two candles with the same open time the later one given wins (it is
    /// the fresher snapshot); a candle overlapping its predecessor, or with high below low, is dropped.
    static func ordered(_ candles: [Candle]) -> [Candle] {
        if isOrdered(candles) { return candles }
        var byOpen: [EpochMillis: Candle] = [:]
        for c in candles where Price.compareExactly(c.high, c.low) >= 0 && c.intervalMs > 0 { byOpen[c.openTime] = c }
        var out: [Candle] = []
        out.reserveCapacity(byOpen.count)
        for c in byOpen.values.sorted(by: { $0.openTime < $1.openTime }) {
            if let last = out.last, c.openTime < last.closeTime { continue }
            out.append(c)
        }
        return out
    }

    /// The still-open 1-minute candle as this check saw it, merged with what earlier looks at the same
    /// minute saw (a lagging answer never makes the memory forget an extreme).
    static func seenAfter(
        candles: ArraySlice<Candle>, previous: SeenCandle?, now: EpochMillis, detail: [EpochMillis: [Candle]]
    ) -> SeenCandle? {
        let minute = CandleInterval.oneMinute
        let current = minute.floor(now)
        guard let c = candles.last(where: { $0.openTime == current && $0.intervalMs == minute.milliseconds }) else {
            return previous?.openTime == current ? previous : nil
        }
        var seen = SeenCandle(openTime: current, high: c.high, low: c.low, close: c.close)
        if let previous, previous.openTime == current {
            seen.high = Price.maxExactly(seen.high, previous.high)
            seen.low = Price.minExactly(seen.low, previous.low)
        }
        if let seconds = detail[current], let last = seconds.max(by: { $0.openTime < $1.openTime }) {
            for s in seconds {
                seen.high = Price.maxExactly(seen.high, s.high)
                seen.low = Price.minExactly(seen.low, s.low)
            }
            seen.close = last.close  // fetched after the minute candle: the fresher last price
        }
        return seen
    }
}
