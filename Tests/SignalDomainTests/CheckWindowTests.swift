import Testing
@testable import SignalDomain

@Suite struct CheckWindowTests {
    static func state(lastCheckedAt: EpochMillis) -> SignalState {
        SignalState(version: 1, fingerprint: makeSignal(.above, target: "1").levelsFingerprint, arming: 1,
                    phase: .level(.watching), firstCheckedAt: lastCheckedAt, lastCheckedAt: lastCheckedAt)
    }

    @Test func firstCheckIsTheCurrentMinute() {
        let w = CheckWindow.for(state: nil, now: at(14, 37))
        #expect(w.isFirstCheck)
        #expect(w.start == at(14) && w.end == at(14, 37))
        #expect(w.segments == [CheckWindow.Segment(interval: .oneMinute, from: at(14), until: at(15))])
    }

    static let laterWindows: [(EpochMillis, EpochMillis, EpochMillis, Int)] = [
        (at(0, 30), at(60, 10), at(0), 61),   // hourly: from the minute of the previous check
        (at(0), at(60), at(0), 61),           // exactly on minute boundaries
        (at(59, 59), at(60, 0), at(59), 2),   // a second later: two candles
        (at(10, 5), at(10, 50), at(10), 1),   // the same minute
    ]

    @Test(arguments: laterWindows)
    func laterChecksStartAtThePreviousChecksMinute(_ last: EpochMillis, _ now: EpochMillis, _ start: EpochMillis, _ count: Int) {
        let w = CheckWindow.for(state: Self.state(lastCheckedAt: last), now: now)
        #expect(!w.isFirstCheck)
        #expect(w.start == start)
        #expect(w.segments.count == 1 && w.segments[0].interval == .oneMinute)
        #expect(w.segments[0].from == start && w.segments[0].candleCount == count)
    }

    @Test func editedLevelsStartWithTheCurrentMinute() {
        let state = Self.state(lastCheckedAt: at(0, 30))
        #expect(CheckWindow.for(signal: makeSignal(.above, target: "1"), state: state, now: at(60)).isFirstCheck == false)
        #expect(CheckWindow.for(signal: makeSignal(.above, target: "2"), state: state, now: at(60)).isFirstCheck)
    }

    static let longWindows: [(Int64, CandleInterval)] = [
        (24 * 3600, .oneMinute), (24 * 3600 + 60, .fiveMinutes), (3 * 86400, .fiveMinutes), (10 * 86400, .fifteenMinutes),
        (40 * 86400, .oneHour), (200 * 86400, .sixHours), (800 * 86400, .oneDay),
    ]

    @Test(arguments: longWindows)
    func longWindowsUseCoarserCandlesWithoutGaps(_ seconds: Int64, _ body: CandleInterval) {
        // Previous checks at awkward times (the exact 24 h boundary only as is).
        for offset in seconds == 86400 ? [Int64(0)] : [Int64(0), 37_000, 3_599_000, 7_777_000] {
            let now = at(0, 30) + 86_400_000 * 1000
            let last = now - seconds * 1000 - offset
            let w = CheckWindow.for(state: Self.state(lastCheckedAt: last), now: now)
            let segs = w.segments
            #expect(segs.last?.interval == body)
            #expect(segs.first?.interval == .oneMinute)  // the previous check's candle, to tell old from new
            #expect(segs.first?.from == CandleInterval.oneMinute.floor(last))
            for (a, b) in zip(segs, segs.dropFirst()) {
                #expect(a.until == b.from)  // back to back: no extreme lost, none counted twice
                #expect(a.interval.milliseconds < b.interval.milliseconds)
            }
            for s in segs {
                #expect(s.from % s.interval.milliseconds == 0 && s.until % s.interval.milliseconds == 0)
                #expect(s.candleCount >= 1)
            }
            #expect(segs.last!.until > now && segs.last!.until - segs.last!.interval.milliseconds <= now)
            if body != .oneDay { #expect(segs.last!.candleCount <= 1441) }
        }
    }
}
