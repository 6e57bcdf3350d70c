/// What one stretch of time proves about the price path: usually one candle; for the candle the
/// previous check already saw, only what came after that check.
struct Span: Sendable {
    /// Open time of the candle (the time a level reached in it is reported at).
    var time: EpochMillis
    var intervalMs: Int64
    /// Every price from `low` to `high` was certainly traded in the span.
    var high: Price
    var low: Price
    /// Up to these, levels may or may not have been reached (the previous check saw the candle go there,
    /// and nothing says whether it went back after the check).
    var maybeHigh: Price?
    var maybeLow: Price?
    /// A 1-minute candle: its minute's 1-second candles can settle an ambiguity.
    var refinableMinute: EpochMillis?
    /// 1-second candles opening before this were seen by the previous check.
    var detailFrom: EpochMillis
    /// Whether 1-second detail must reproduce `high` / `low` to be trusted (they were traded in the span,
    /// not merely the price the span started at).
    var highIsTraded: Bool
    var lowIsTraded: Bool
    /// Where the price stood when the span began (the previous check's last price), if known.
    var startPrice: Price?

    /// A whole candle: everything in it counts.
    init(candle c: Candle) {
        time = c.openTime
        intervalMs = c.intervalMs
        high = c.high
        low = c.low
        refinableMinute = c.intervalMs == CandleInterval.oneMinute.milliseconds ? c.openTime : nil
        detailFrom = c.openTime
        highIsTraded = true
        lowIsTraded = true
    }

    /// The 1-minute candle that contained the previous check, seen again: only a new high or low beyond
    /// what that check saw is certain; levels between its last price and its old extremes are "maybe".
    init(candle c: Candle, after seen: SeenCandle, checkedAt: EpochMillis) {
        let newHigh = Price.compareExactly(c.high, seen.high) > 0 ? c.high : nil
        let newLow = Price.compareExactly(c.low, seen.low) < 0 ? c.low : nil
        time = c.openTime
        intervalMs = c.intervalMs
        high = newHigh ?? seen.close
        low = newLow ?? seen.close
        maybeHigh = newHigh == nil && Price.compareExactly(seen.high, seen.close) > 0 ? seen.high : nil
        maybeLow = newLow == nil && Price.compareExactly(seen.low, seen.close) < 0 ? seen.low : nil
        refinableMinute = c.openTime
        detailFrom = max(c.openTime, CandleInterval.oneSecond.floor(checkedAt))
        highIsTraded = newHigh != nil
        lowIsTraded = newLow != nil
        startPrice = seen.close
    }

    /// A single price at one moment (the previous check's last price, before its detail seconds).
    init(point price: Price, at time: EpochMillis) {
        self.time = time
        intervalMs = CandleInterval.oneSecond.milliseconds
        high = price
        low = price
        detailFrom = time
        highIsTraded = false
        lowIsTraded = false
    }

    /// Whether the span reaches `level`: highs reach it from below, lows from above; equality counts.
    func reach(_ level: Price, by side: Side) -> Reach {
        switch side {
        case .high:
            if high.isAtOrAbove(level) { return .yes }
            if let maybeHigh, maybeHigh.isAtOrAbove(level) { return .maybe }
            return .no
        case .low:
            if low.isAtOrBelow(level) { return .yes }
            if let maybeLow, maybeLow.isAtOrBelow(level) { return .maybe }
            return .no
        }
    }

    /// The extreme on one side: the price a level reached that way is reported with.
    func extreme(_ side: Side) -> Price {
        switch side {
        case .high: return high
        case .low: return low
        }
    }

    /// The span replaced by its minute's 1-second candles, or nil when they do not reproduce the
    /// span's extremes (missing data: then the candle itself decides, stop-loss first).
    func refined(with seconds: [Candle]) -> [Span]? {
        guard let minute = refinableMinute else { return nil }
        let end = minute + CandleInterval.oneMinute.milliseconds
        let usable = Evaluator.ordered(seconds.filter {
            $0.intervalMs == CandleInterval.oneSecond.milliseconds && $0.openTime >= detailFrom && $0.openTime < end
        })
        if highIsTraded {
            guard let top = usable.map(\.high).max(by: { Price.compareExactly($0, $1) < 0 }), top.isAtOrAbove(high)
            else { return nil }
        }
        if lowIsTraded {
            guard let bottom = usable.map(\.low).min(by: { Price.compareExactly($0, $1) < 0 }), bottom.isAtOrBelow(low)
            else { return nil }
        }
        var spans: [Span] = []
        if let startPrice { spans.append(Span(point: startPrice, at: detailFrom)) }
        for s in usable {
            var span = Span(candle: s)
            span.refinableMinute = nil
            spans.append(span)
        }
        return spans
    }
}

/// Which extreme of a candle reaches a level: `.high` for levels reached from below (above, a long's
/// entry and take-profits, a short's stop-loss), `.low` for the mirror cases.
enum Side: Sendable {
    case high, low

    var opposite: Side {
        switch self {
        case .high: return .low
        case .low: return .high
        }
    }
}

enum Reach: Sendable {
    case no, maybe, yes
}
