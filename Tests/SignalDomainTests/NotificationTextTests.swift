import Testing
@testable import SignalDomain

@Suite struct NotificationTextTests {
    static func event(
        _ kind: SignalEvent.Kind, level: String, reached: String, at time: EpochMillis = at(14), within: Int64 = 60_000,
        closes: Bool = false, reference: String? = nil, tps: Int = 0
    ) -> SignalEvent {
        SignalEvent(kind: kind, key: kind.name, arming: 1, level: p(level), priceReached: p(reached), reachedAt: time,
                    reachedWithinMs: within, closesTrade: closes, reference: reference.map(p), takeProfitCount: tps)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let signal: Signal
        let event: SignalEvent
        let now: String
        let title: String
        let message: String
        var testDescription: String { name }
    }

    static let long = makeSignal(.long, entry: "64000", tps: ["66000", "68000"], sl: "62000", note: "breakout")

    static let cases: [Case] = [
        Case(name: "above", signal: makeSignal(.above, target: "65000", note: "breakout retest"),
             event: event(.above, level: "65000", reached: "65012.50000000"), now: "64980.1",
             title: "BTCUSDT above 65000 (Binance)",
             message: "Reached 65012.5 at 20:14 UTC, 25 Nov · now 64980.1\nbreakout retest"),
        Case(name: "below on Coinbase", signal: makeSignal(.below, target: "0.1867", venue: .coinbase, symbol: "DOGE-USD"),
             event: event(.below, level: "0.1867", reached: "0.18670000"), now: "0.1901",
             title: "DOGE-USD below 0.1867 (Coinbase)",
             message: "Reached 0.1867 at 20:14 UTC, 25 Nov · now 0.1901"),
        Case(name: "pct_up", signal: makeSignal(.pctUp, percent: "5"),
             event: event(.pctUp, level: "66150", reached: "66200", reference: "63000"), now: "66010",
             title: "BTCUSDT +5 % at 66150 (Binance)",
             message: "Reached 66200 at 20:14 UTC, 25 Nov · now 66010\nMeasured from 63000, the price when the alert was first checked"),
        Case(name: "pct_down", signal: makeSignal(.pctDown, percent: "3", venue: .bybit),
             event: event(.pctDown, level: "97", reached: "96.9", reference: "100"), now: "97.5",
             title: "BTCUSDT -3 % at 97 (Bybit)",
             message: "Reached 96.9 at 20:14 UTC, 25 Nov · now 97.5\nMeasured from 100, the price when the alert was first checked"),
        Case(name: "entry", signal: long, event: event(.entry, level: "64000", reached: "64010", tps: 2), now: "64005",
             title: "BTCUSDT long entry 64000 (Binance)",
             message: "Reached 64010 at 20:14 UTC, 25 Nov · now 64005\nTrade open · TP 66000, 68000 · SL 62000\nbreakout"),
        Case(name: "entry lists take-profits in the order they are hit",
             signal: makeSignal(.short, entry: "3000", tps: ["2800", "2950", "2900"], sl: "3100", symbol: "ETHUSDT"),
             event: event(.entry, level: "3000", reached: "2999", tps: 3), now: "2998",
             title: "ETHUSDT short entry 3000 (Binance)",
             message: "Reached 2999 at 20:14 UTC, 25 Nov · now 2998\nTrade open · TP 2950, 2900, 2800 · SL 3100"),
        Case(name: "TP1 of 2", signal: long, event: event(.takeProfit(1), level: "66000", reached: "66020", tps: 2), now: "65990",
             title: "BTCUSDT long TP1 66000 (Binance)",
             message: "Reached 66020 at 20:14 UTC, 25 Nov · now 65990\nTP1 of 2 · next TP2 68000 · SL 62000\nbreakout"),
        Case(name: "last TP closes", signal: long,
             event: event(.takeProfit(2), level: "68000", reached: "68100", closes: true, tps: 2), now: "67950",
             title: "BTCUSDT long TP2 68000, trade closed (Binance)",
             message: "Reached 68100 at 20:14 UTC, 25 Nov · now 67950\nTP2 of 2 · trade closed\nbreakout"),
        Case(name: "stop-loss closes", signal: long,
             event: event(.stopLoss, level: "62000", reached: "61990", closes: true, tps: 2), now: "62100",
             title: "BTCUSDT long stop-loss 62000, trade closed (Binance)",
             message: "Reached 61990 at 20:14 UTC, 25 Nov · now 62100\nStop-loss hit · trade closed · entry 64000\nbreakout"),
        Case(name: "short, settled by a 1-second candle",
             signal: makeSignal(.short, entry: "3000", tps: ["2900"], sl: "3100", symbol: "ETHUSDT"),
             event: event(.stopLoss, level: "3100", reached: "3100.5", at: at(14, 7), within: 1000, closes: true, tps: 1),
             now: "3090",
             title: "ETHUSDT short stop-loss 3100, trade closed (Binance)",
             message: "Reached 3100.5 at 20:14:07 UTC, 25 Nov · now 3090\nStop-loss hit · trade closed · entry 3000"),
        Case(name: "coarse candle of a long window", signal: makeSignal(.above, target: "1"),
             event: event(.above, level: "1", reached: "1.2", at: at(240), within: 3_600_000), now: "1.1",
             title: "BTCUSDT above 1 (Binance)",
             message: "Reached 1.2 between 00:00 and 01:00 UTC, 26 Nov · now 1.1"),
        Case(name: "repeating", signal: makeSignal(.above, target: "1", repeat: Repeat(text: "4h")!),
             event: event(.above, level: "1", reached: "1"), now: "1",
             title: "BTCUSDT above 1 (Binance)",
             message: "Reached 1 at 20:14 UTC, 25 Nov · now 1\nRe-arms 4h after this"),
    ]

    @Test(arguments: cases)
    func composes(_ c: Case) {
        let (title, message) = NotificationText.compose(signal: c.signal, event: c.event, currentPrice: p(c.now))
        #expect(title == c.title)
        #expect(message == c.message)
    }

    @Test func namesTheVenueThatAnswered() {
        let signal = makeSignal(.above, target: "65000")
        let (title, _) = NotificationText.compose(
            signal: signal, event: Self.event(.above, level: "65000", reached: "65001"), currentPrice: p("65000"),
            venue: .coinbase)
        #expect(title == "BTC-USDT above 65000 (Coinbase)")
    }

    static let longNotes: [String] = [
        String(repeating: "🚀", count: 2000),
        String(repeating: "e\u{301}", count: 1500),  // e + combining acute: one character, two scalars
        String(repeating: "👩‍👩‍👧‍👦", count: 400),  // a family: one character, seven scalars
        String(repeating: "abc ", count: 600),
    ]

    @Test(arguments: longNotes)
    func longNotesAreCutOnCharacterBoundaries(_ note: String) {
        let signal = makeSignal(.above, target: "65000", note: note)
        let (_, message) = NotificationText.compose(
            signal: signal, event: Self.event(.above, level: "65000", reached: "65001"), currentPrice: p("65000"))
        #expect(message.unicodeScalars.count <= NotificationText.messageLimit)
        #expect(message.count <= NotificationText.messageLimit)
        #expect(message.hasPrefix("Reached 65001 at 20:14 UTC, 25 Nov · now 65000\n"))
        #expect(message.hasSuffix("…"))
        // Every character kept is a whole character of the note.
        let kept = message.dropFirst("Reached 65001 at 20:14 UTC, 25 Nov · now 65000\n".count).dropLast()
        #expect(note.hasPrefix(String(kept)))
        #expect(Array(kept).allSatisfy { Array(note).first == $0 || note.contains(String($0)) })
    }

    @Test func notesLoseControlCharactersButKeepLines() {
        let signal = makeSignal(.above, target: "1", note: "  line one\r\nline\u{7} two\t \n")
        let (_, message) = NotificationText.compose(
            signal: signal, event: Self.event(.above, level: "1", reached: "1"), currentPrice: p("1"))
        #expect(message.hasSuffix("\nline one\nline  two"))
    }

    @Test(arguments: [
        ("short", 10, "short"), ("0123456789abc", 10, "012345678…"), ("🚀🚀🚀", 2, "🚀…"),
        ("e\u{301}e\u{301}e\u{301}", 4, "e\u{301}…"), ("👩‍👩‍👧‍👦x", 7, "…"), ("", 5, ""),
    ])
    func truncatesToScalarAndCharacterLimits(_ text: String, _ limit: Int, _ expected: String) {
        let cut = NotificationText.truncate(text, limit: limit)
        #expect(cut == expected)
        #expect(cut.unicodeScalars.count <= limit)
    }

    @Test func titlesAreLimitedToo() {
        let signal = makeSignal(.above, target: String(repeating: "9", count: 300))
        let (title, _) = NotificationText.compose(
            signal: signal, event: Self.event(.above, level: String(repeating: "9", count: 300), reached: "1"),
            currentPrice: p("1"))
        #expect(title.unicodeScalars.count == NotificationText.titleLimit)
        #expect(title.hasPrefix("BTCUSDT above 999") && title.hasSuffix("…"))
    }
}
