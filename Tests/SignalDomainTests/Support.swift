import Testing
@testable import SignalDomain

/// 2026-11-25T20:00:00Z: minute 0 of every scenario.
let T0: EpochMillis = UTCTime.parseISO8601("2026-11-25T20:00:00Z")!

func p(_ s: String) -> Price { Price(s)! }

/// Minute `n` after T0, plus `s` seconds.
func at(_ n: Int, _ s: Int = 0) -> EpochMillis { T0 + Int64(n) * 60_000 + Int64(s) * 1000 }

/// A 1-minute candle at minute `n`.
func m1(_ n: Int, o: String, h: String, l: String, c: String) -> Candle {
    Candle(openTime: at(n), interval: .oneMinute, open: p(o), high: p(h), low: p(l), close: p(c))
}

/// A 1-minute candle at minute `n` that stays at one price.
func flat(_ n: Int, _ price: String) -> Candle { m1(n, o: price, h: price, l: price, c: price) }

/// A 1-second candle at minute `n`, second `s`.
func s1(_ n: Int, _ s: Int, o: String, h: String, l: String, c: String) -> Candle {
    Candle(openTime: at(n, s), interval: .oneSecond, open: p(o), high: p(h), low: p(l), close: p(c))
}

func makeSignal(
    _ condition: Condition, target: String? = nil, percent: String? = nil, entry: String? = nil, tps: [String] = [],
    sl: String? = nil, repeat mode: Repeat = .once, expires: EpochMillis? = nil, note: String? = nil,
    venue: Venue = .binance, symbol: String = "BTCUSDT", id: String = "sig-1"
) -> Signal {
    Signal(
        id: id, venue: venue, market: MarketSymbol(parsing: symbol)!, condition: condition,
        targetPrice: target.map(p), percent: percent.map(p), entry: entry.map(p), takeProfits: tps.map(p),
        stopLoss: sl.map(p), repeatMode: mode, expires: expires, note: note)
}

/// A signal checked again and again, carrying its state from one check to the next like the worker does
/// (through the attribute encoding, so every scenario also exercises the round trip).
struct Run {
    var signal: Signal
    var state: SignalState?
    var history: [SignalEvent] = []

    init(_ signal: Signal, state: SignalState? = nil) {
        self.signal = signal
        self.state = state
    }

    /// Evaluates and stores the new state; returns the events. Fails the test if detail is requested.
    @discardableResult
    mutating func check(
        at now: EpochMillis, _ candles: [Candle], detail: Detail = .unavailable, checkTime: EpochMillis? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [SignalEvent] {
        let e = Evaluator.evaluate(
            signal: signal, state: state, candles: candles, now: now, checkTime: checkTime, detail: detail)
        #expect(e.needsDetail == nil, "unexpected request for detail", sourceLocation: sourceLocation)
        #expect(e.skipped == nil, sourceLocation: sourceLocation)
        guard let next = e.newState else { return e.events }
        if let expected = state?.version {
            #expect(next.version == expected + 1, sourceLocation: sourceLocation)
        }
        do {
            state = try SignalState(attributes: next.attributes)
            #expect(state == next, "state does not survive its encoding", sourceLocation: sourceLocation)
        } catch {
            Issue.record("state does not decode: \(error)", sourceLocation: sourceLocation)
            state = next
        }
        history += e.events
        return e.events
    }
}

extension Array where Element == SignalEvent {
    var keys: [String] { map(\.key) }
}
