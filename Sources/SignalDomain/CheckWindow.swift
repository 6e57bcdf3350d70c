/// Which candles a check looks at (SPEC §3).
///
/// - First check of a signal (no state, or its levels were edited): the current 1-minute candle only.
/// - Later checks: from the open of the 1-minute candle that contained the previous check (candle APIs
///   return candles opening at or after `startTime`, so round down) to now; the still-open candle counts.
/// - Windows longer than 24 h are fetched with coarser candles, whose highs and lows still hold every
///   extreme: 1-minute candles up to the next 5-minute boundary, then 5-minute candles up to the next
///   15-minute boundary, and so on up to the chosen interval, which covers the rest. The first candle is
///   always a 1-minute one, so the part the previous check already saw can be told apart.
public struct CheckWindow: Sendable, Hashable {
    /// Candles opening at or after this time belong to the check.
    public let start: EpochMillis
    /// The check time; candles opening at or before it count.
    public let end: EpochMillis
    /// A first check (or a fresh start after an edit): only the current 1-minute candle.
    public let isFirstCheck: Bool
    /// What to fetch, in time order, back to back.
    public let segments: [Segment]

    /// Candles of one interval with `from <= openTime < until`. The last segment ends after `end`, so its
    /// last candle is the still-open one.
    public struct Segment: Sendable, Hashable, CustomStringConvertible {
        public let interval: CandleInterval
        public let from: EpochMillis
        public let until: EpochMillis

        public var candleCount: Int { Int((until - from) / interval.milliseconds) }
        public var description: String { "\(interval)[\(UTCTime.format(from)),\(UTCTime.format(until)))" }
    }

    /// Windows up to this long (plus the minute the previous check fell in) use 1-minute candles only.
    public static let fineSpanMs: Int64 = 86_400_000
    /// A coarse interval is chosen so that the window needs at most this many candles of it.
    public static let maxCoarseCandles: Int64 = 1440

    /// The window of a check at `now` for a signal whose stored state is `state`.
    public static func `for`(state: SignalState?, now: EpochMillis) -> CheckWindow {
        guard let state else { return firstCheck(now: now) }
        let minute = CandleInterval.oneMinute
        let start = min(minute.floor(state.lastCheckedAt), minute.floor(now))
        return CheckWindow(start: start, end: now, isFirstCheck: false, segments: plan(start: start, now: now))
    }

    /// As `for(state:now:)`, and a signal whose levels no longer match its state starts afresh.
    public static func `for`(signal: Signal, state: SignalState?, now: EpochMillis) -> CheckWindow {
        guard let state, !state.startsAfresh(for: signal) else { return firstCheck(now: now) }
        return self.for(state: state, now: now)
    }

    static func firstCheck(now: EpochMillis) -> CheckWindow {
        let start = CandleInterval.oneMinute.floor(now)
        return CheckWindow(
            start: start, end: now, isFirstCheck: true,
            segments: [Segment(interval: .oneMinute, from: start, until: start + CandleInterval.oneMinute.milliseconds)])
    }

    static func plan(start: EpochMillis, now: EpochMillis) -> [Segment] {
        let minute = CandleInterval.oneMinute
        // A check a day after the previous one still gets 1-minute candles (1 441 or 1 442 of them).
        guard now - start > fineSpanMs + minute.milliseconds else {
            return [Segment(interval: .oneMinute, from: start, until: minute.floor(now) + minute.milliseconds)]
        }
        let body = CandleInterval.coarse.first { i in
            (i.floor(now) + i.milliseconds - i.ceil(start)) / i.milliseconds <= maxCoarseCandles
        } ?? .oneDay
        var segments: [Segment] = []
        var cursor = start
        let ladder: [CandleInterval] = [.oneMinute] + CandleInterval.coarse
        for (finer, next) in zip(ladder, ladder.dropFirst()) {
            // The first segment always holds at least the 1-minute candle of the previous check.
            let boundary = finer == .oneMinute ? next.ceil(cursor + 1) : next.ceil(cursor)
            if boundary > cursor {
                segments.append(Segment(interval: finer, from: cursor, until: boundary))
                cursor = boundary
            }
            if next == body { break }
        }
        segments.append(Segment(interval: body, from: cursor, until: body.floor(now) + body.milliseconds))
        return segments
    }
}
