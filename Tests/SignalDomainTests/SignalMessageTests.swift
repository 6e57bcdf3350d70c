import Testing
@testable import SignalDomain

/// The reader → worker message body (SPEC §4).
@Suite struct SignalMessageTests {
    static let run = SignalMessage.Run(id: "evt-1", time: UTCTime.parseISO8601("2026-11-25T20:00:00Z")!)
    static let sheet = SignalMessage.SheetRef(id: "sheet-1", row: 7)

    static var spec: Signal {
        Signal(
            id: "trade-1", venue: .binance, market: MarketSymbol(base: "BTC", quote: "USDT"), condition: .long,
            entry: Price("64000"), takeProfits: [Price("66000")!, Price("68000")!], stopLoss: Price("62000"),
            user: "alice", priority: 1, sound: "cashregister", repeatMode: .once,
            expires: UTCTime.parseISO8601("2026-12-31"), note: "breakout")
    }

    @Test func exactBodyForTheSpecExample() {
        let m = SignalMessage(run: Self.run, sheet: Self.sheet, signal: Self.spec)
        #expect(
            m.body
                == #"{"version":1,"run":{"id":"evt-1","time":"2026-11-25T20:00:00Z"},"sheet":{"id":"sheet-1","row":7},"#
                + #""signal":{"id":"trade-1","exchange":"binance","symbol":"BTCUSDT","condition":"long","entry":"64000","#
                + #""take_profit":["66000","68000"],"stop_loss":"62000","user":"alice","priority":1,"sound":"cashregister","#
                + #""repeat":"once","expires":"2026-12-31T00:00:00Z","note":"breakout"}}"#)
    }

    /// Fields that do not apply are left out; levels are normalised text.
    @Test func onlyWhatApplies() {
        let row = parseRow(aboveRow([.targetPrice: "$50,000.00", .takeProfit: "1", .percent: 5])).signal!
        let body = SignalMessage(run: Self.run, sheet: Self.sheet, signal: row).body
        #expect(body.hasSuffix(#""signal":{"id":"\#(row.id)","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"50000","repeat":"once"}}"#))
        let pct = parseRow([.symbol: "ETH-USD", .exchange: "coinbase", .condition: "pct_down", .percent: "2.50%"]).signal!
        #expect(SignalMessage.encode(pct).serializedText.contains(#""symbol":"ETH-USD","condition":"pct_down","percent":"2.5","repeat":"once"}"#))
        let trade = parseRow(longRow([.entry: ""])).signal!
        #expect(!SignalMessage.encode(trade).serializedText.contains("entry"))
    }

    /// A run-together symbol whose quote is not a known one carries `market` so the worker can split it.
    @Test func unsplittableSymbolsCarryTheMarket() throws {
        let s = try #require(parseRow(aboveRow([.symbol: "BTC/XYZ"])).signal)
        let body = SignalMessage(run: nil, sheet: nil, signal: s).body
        #expect(body.contains(#""symbol":"BTCXYZ","market":"BTC/XYZ""#))
        #expect(try SignalMessage(body: body).signal == s)
        let coinbase = try #require(parseRow(aboveRow([.symbol: "BTC/XYZ", .exchange: "coinbase"])).signal)
        #expect(!SignalMessage(run: nil, sheet: nil, signal: coinbase).body.contains("market"))
    }

    @Test func roundTripsTheSpecExample() throws {
        let m = SignalMessage(run: Self.run, sheet: Self.sheet, signal: Self.spec)
        #expect(try SignalMessage(body: m.body) == m)
        #expect(try SignalMessage(body: Array(m.body.utf8)) == m)
    }

    /// Every signal of every fixture sheet survives encode → decode unchanged.
    @Test(arguments: SheetFixtureTests.names)
    func roundTripsEveryFixtureSignal(_ name: String) throws {
        let f = try SheetFixtureTests.load(name)
        for s in f.parsed.signals {
            let m = SignalMessage(run: Self.run, sheet: .init(id: "sheet", row: s.row), signal: s.signal)
            #expect(try SignalMessage(body: m.body) == m, "row \(s.row)")
        }
    }

    @Test func runTimeKeepsMillisecondsOnlyWhenThereAreSome() throws {
        var m = SignalMessage(run: .init(id: "r", time: Self.run.time + 250), sheet: nil, signal: Self.spec)
        #expect(m.body.contains(#""time":"2026-11-25T20:00:00.250Z""#))
        #expect(try SignalMessage(body: m.body) == m)
        m.run = nil
        m.sheet = nil
        #expect(m.body.hasPrefix(#"{"version":1,"signal":"#))
        #expect(try SignalMessage(body: m.body) == m)
    }

    /// The worker side is lenient where it can be: numbers for levels, aliases, unknown fields.
    @Test func decodesHandWrittenBodies() throws {
        let m = try SignalMessage(body: #"""
            {"version": 1.0, "signal": {"id": "x", "exchange": "Coinbase", "symbol": "BTC-USD", "condition": "cross_up",
             "target_price": 65000.50, "take_profit": "ignored", "extra": {"a": 1}}}
            """#)
        #expect(m.run == nil && m.sheet == nil)
        #expect(m.signal.venue == .coinbase && m.signal.condition == .above)
        #expect(m.signal.targetPrice?.text == "65000.5")
        #expect(m.signal.takeProfits.isEmpty && m.signal.repeatMode == .once)
    }

    @Test func aMissingExchangeIsBinanceAsInTheSheet() throws {
        let m = try SignalMessage(body: #"{"version":1,"signal":{"id":"x","symbol":"ETHUSDT","condition":"above","target_price":"1"}}"#)
        #expect(m.signal.venue == .binance && m.signal.symbol == "ETHUSDT")
    }

    static let good = #"{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"1"}"#

    @Test(arguments: [
        ("", SignalMessageError.Kind.notJSON, nil as String?),
        ("not json", .notJSON, nil),
        (#"{"version":1,"signal":{}"#, .notJSON, nil),
        ("[]", .notAnObject, nil),
        ("\"hello\"", .notAnObject, nil),
        (#"{"signal":\#(good)}"#, .missingField, "version"),
        (#"{"version":2,"signal":\#(good)}"#, .unknownVersion, "version"),
        (#"{"version":"1","signal":\#(good)}"#, .unknownVersion, "version"),
        (#"{"version":0.5,"signal":\#(good)}"#, .unknownVersion, "version"),
        (#"{"version":1}"#, .missingField, "signal"),
        (#"{"version":1,"signal":null}"#, .missingField, "signal"),
        (#"{"version":1,"signal":[1]}"#, .badField, "signal"),
        (#"{"version":1,"signal":{"exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"1"}}"#, .missingField, "signal.id"),
        (#"{"version":1,"signal":{"id":"","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"1"}}"#, .missingField, "signal.id"),
        (#"{"version":1,"signal":{"id":7,"exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"1"}}"#, .badField, "signal.id"),
        (#"{"version":1,"signal":{"id":"x","exchange":"kraken","symbol":"BTCUSDT","condition":"above","target_price":"1"}}"#, .badField, "signal.exchange"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"XYZ","condition":"above","target_price":"1"}}"#, .badField, "signal.symbol"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","market":"ETH/USDT","condition":"above","target_price":"1"}}"#, .badField, "signal.market"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"sideways","target_price":"1"}}"#, .badField, "signal.condition"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"above"}}"#, .missingField, "signal.target_price"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"abc"}}"#, .badField, "signal.target_price"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"-1"}}"#, .badField, "signal.target_price"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":true}}"#, .badField, "signal.target_price"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"pct_up"}}"#, .missingField, "signal.percent"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"long","take_profit":[],"stop_loss":"1"}}"#, .missingField, "signal.take_profit"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"long","take_profit":"2","stop_loss":"1"}}"#, .badField, "signal.take_profit"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"long","take_profit":["2","x"],"stop_loss":"1"}}"#, .badField, "signal.take_profit[1]"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"long","take_profit":["2"]}}"#, .missingField, "signal.stop_loss"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"long","entry":"e","take_profit":["2"],"stop_loss":"1"}}"#, .badField, "signal.entry"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"1","priority":5}}"#, .badField, "signal.priority"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"1","repeat":"often"}}"#, .badField, "signal.repeat"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"1","expires":"soon"}}"#, .badField, "signal.expires"),
        (#"{"version":1,"signal":{"id":"x","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"1","user":5}}"#, .badField, "signal.user"),
        (#"{"version":1,"run":{"id":"r","time":"yesterday"},"signal":\#(good)}"#, .badField, "run.time"),
        (#"{"version":1,"run":{"time":"2026-11-25T20:00:00Z"},"signal":\#(good)}"#, .missingField, "run.id"),
        (#"{"version":1,"run":"r","signal":\#(good)}"#, .badField, "run"),
        (#"{"version":1,"sheet":{"id":"s","row":0},"signal":\#(good)}"#, .badField, "sheet.row"),
        (#"{"version":1,"sheet":{"id":"s","row":"7"},"signal":\#(good)}"#, .badField, "sheet.row"),
    ] as [(String, SignalMessageError.Kind, String?)])
    func rejectsBadBodies(_ body: String, _ kind: SignalMessageError.Kind, _ field: String?) {
        do {
            let m = try SignalMessage(body: body)
            Issue.record("decoded \(m)")
        } catch {
            #expect(error.kind == kind, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(!error.description.isEmpty)
        }
    }

    @Test func errorsReadWell() {
        #expect(throws: SignalMessageError.self) { try SignalMessage(body: "{}") }
        let e = SignalMessageError.bad("signal.target_price", "is not a positive decimal")
        #expect(e.description == "message field signal.target_price is not a positive decimal")
        #expect(SignalMessageError.unknownVersion("2").description == "unknown message version 2 (this code reads version 1)")
        #expect(SignalMessageError.missing("signal.id").description == "message has no signal.id")
    }
}
