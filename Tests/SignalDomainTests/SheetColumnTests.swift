import Testing
@testable import SignalDomain

/// Good and bad cells for every non-numeric column, each through a one-row sheet.
@Suite struct SheetColumnTests {
    // MARK: - symbol, exchange, condition

    @Test(arguments: [
        ("BTCUSDT", "binance", "BTCUSDT"), ("btc-usd", "binance", "BTCUSD"), ("BTC/USDT", "coinbase", "BTC-USDT"),
        (" eth_usdt ", "bybit", "ETHUSDT"), ("1000PEPEUSDT", "binance", "1000PEPEUSDT"), ("BTC-USD", "coinbase", "BTC-USD"),
    ])
    func symbolAccepts(_ cell: String, _ venue: String, _ expected: String) {
        #expect(parseRow(aboveRow([.symbol: .string(cell), .exchange: .string(venue)])).signal?.symbol == expected)
    }

    @Test(arguments: [
        JSONValue.string("XYZ"), "BTC/", "BTC//USDT", "BTC USDT", "БТК/USDT", "BTC\u{200B}USDT", .number("12345"),
        .bool(true), .string(String(repeating: "A", count: 50)), "=A1", "#N/A",
    ] as [JSONValue])
    func symbolRejects(_ cell: JSONValue) {
        #expect(parseRow(aboveRow([.symbol: cell])).reason == "not a market symbol (write BTCUSDT, BTC-USD or BTC/USDT)")
    }

    @Test func symbolIsRequired() {
        #expect(parseRow(aboveRow([.symbol: ""])) == .rejected(column: .symbol, value: "", reason: "required"))
    }

    @Test(arguments: [("", Venue.binance), ("binance", .binance), ("COINBASE", .coinbase), (" Bybit ", .bybit)])
    func exchangeAccepts(_ cell: String, _ venue: Venue) {
        #expect(parseRow(aboveRow([.exchange: .string(cell)])).signal?.venue == venue)
    }

    @Test(arguments: [JSONValue.string("kraken"), "binance.us", "Binance US", .number("1"), .bool(true)])
    func exchangeRejects(_ cell: JSONValue) {
        #expect(parseRow(aboveRow([.exchange: cell])).reason == "unknown exchange (use binance, coinbase or bybit)")
    }

    @Test(arguments: [
        ("above", Condition.above), (">", .above), (">=", .above), ("cross_up", .above), ("Cross Up", .above),
        ("CROSS-UP", .above), ("below", .below), ("<", .below), ("<=", .below), ("cross_down", .below),
        ("pct_up", .pctUp), ("PCT UP", .pctUp), ("pct-down", .pctDown), ("Long", .long), ("SHORT", .short),
    ])
    func conditionAccepts(_ cell: String, _ condition: Condition) {
        var cells = longRow([.condition: .string(cell), .targetPrice: 65000, .percent: 5])
        if condition == .short { cells[.takeProfit] = "60000"; cells[.stopLoss] = 66000 }
        #expect(parseRow(cells).signal?.condition == condition)
    }

    @Test(arguments: [JSONValue.string("crosses"), "pct", "up", "=", .number("1"), .bool(true)])
    func conditionRejects(_ cell: JSONValue) {
        #expect(
            parseRow(aboveRow([.condition: cell])).reason
                == "unknown condition (use above, below, pct_up, pct_down, long or short)")
    }

    // MARK: - active, expires

    @Test(arguments: [
        (JSONValue.string(""), true), (.null, true), (.bool(true), true), (.bool(false), false), ("TRUE", true),
        ("yes", true), ("Y", true), ("1", true), ("on", true), (.number("1"), true), ("FALSE", false), ("No", false),
        ("n", false), ("0", false), ("OFF", false), (.number("0"), false), (" false ", false),
    ])
    func activeAccepts(_ cell: JSONValue, _ active: Bool) {
        let r = parseRow(aboveRow([.active: cell]))
        #expect(active ? r.signal != nil : r == .skipped(.inactive))
    }

    @Test(arguments: [JSONValue.string("maybe"), "2", "t", "enabled", .number("2"), .number("0.5"), .array([])])
    func activeRejects(_ cell: JSONValue) {
        #expect(
            parseRow(aboveRow([.active: cell])).reason
                == "not a yes/no value (use TRUE/YES/Y/1/ON or FALSE/NO/N/0/OFF)")
    }

    @Test(arguments: [
        (JSONValue.string("2026-12-31"), "2026-12-31T00:00:00Z"),
        ("2026-12-31T18:00:00Z", "2026-12-31T18:00:00Z"),
        ("2026-12-31 18:00", "2026-12-31T18:00:00Z"),
        ("2026-12-31T18:00:00+02:00", "2026-12-31T16:00:00Z"),
        ("2026-12-31T18:00:00.250Z", "2026-12-31T18:00:00.250Z"),
        (.number("46387"), "2026-12-31T00:00:00Z"),
        (.number("46387.75"), "2026-12-31T18:00:00Z"),
        (.number("46387.000011574"), "2026-12-31T00:00:01Z"),
        ("46387.5", "2026-12-31T12:00:00Z"),
        (.number("2958465"), "9999-12-31T00:00:00Z"),
    ] as [(JSONValue, String)])
    func expiresAccepts(_ cell: JSONValue, _ expected: String) {
        let s = parseRow(aboveRow([.expires: cell])).signal
        #expect(s?.expires.map { SignalMessage.formatTime($0) } == expected)
    }

    @Test(arguments: [
        JSONValue.string("31/12/2026"), "tomorrow", "2026-02-30", "2026-13-01", .bool(true), .number("0"),
        .number("-1"), .number("3e6"), .number("1e400"), "=TODAY()",
    ] as [JSONValue])
    func expiresRejects(_ cell: JSONValue) {
        let r = parseRow(aboveRow([.expires: cell]))
        guard case .rejected(.expires, _, let reason) = r else {
            Issue.record("\(cell) → \(r)")
            return
        }
        #expect(reason.hasPrefix("not a date"))
    }

    /// Expired means `expires <= now`: a signal is live up to, not at, its expiry.
    @Test func expiryIsRelativeToTheInjectedClock() {
        let at = JSONValue.string("2026-11-25T20:00:00Z")
        #expect(parseRow(aboveRow([.expires: at]), now: testNow) == .skipped(.expired))
        #expect(parseRow(aboveRow([.expires: at]), now: testNow - 1).signal != nil)
        #expect(parseRow(aboveRow([.expires: "2026-11-25"]), now: testNow) == .skipped(.expired))
        #expect(parseRow(aboveRow([.expires: "2026-11-26"]), now: testNow).signal != nil)
        // Serial 46351 is 2026-11-25 00:00 UTC; .8333333 is 20:00 rounded to the second.
        #expect(parseRow(aboveRow([.expires: .number("46351.8333333")]), now: testNow) == .skipped(.expired))
        #expect(parseRow(aboveRow([.expires: .number("46351.84")]), now: testNow).signal != nil)
    }

    /// An inactive or expired row is parked: the rest of it is not checked.
    @Test func parkedRowsAreNotValidated() {
        #expect(parseRow([.symbol: "???", .condition: "nonsense", .active: false]) == .skipped(.inactive))
        #expect(parseRow([.symbol: "???", .expires: "2020-01-01"]) == .skipped(.expired))
        // …but a bad `active` or `expires` is itself reported.
        #expect(parseRow(aboveRow([.active: "maybe", .expires: "2020-01-01"])).reason?.hasPrefix("not a yes/no") == true)
    }

    // MARK: - priority, sound, repeat

    @Test(arguments: [
        (JSONValue.number("-2"), -2), (.number("2"), 2), (.number("0"), 0), (.number("1.0"), 1), ("1", 1), (" -1 ", -1),
        ("+2", 2), ("lowest", -2), ("Low", -1), ("normal", 0), ("HIGH", 1), ("emergency", 2),
    ] as [(JSONValue, Int)])
    func priorityAccepts(_ cell: JSONValue, _ expected: Int) {
        #expect(parseRow(aboveRow([.priority: cell])).signal?.priority == expected)
    }

    @Test func priorityBlankMeansTheWorkersDefault() {
        #expect(parseRow(aboveRow([:])).signal?.priority == nil)
    }

    @Test(arguments: [JSONValue.number("3"), .number("-3"), .number("1.5"), "x", "urgent", .bool(true), "1e400", "=A1"])
    func priorityRejects(_ cell: JSONValue) {
        #expect(parseRow(aboveRow([.priority: cell])).reason == "not a priority (use a whole number from -2 to 2)")
    }

    @Test(arguments: [("pushover", "pushover"), ("Siren", "siren"), ("PERSISTENT", "persistent"), ("my_custom-1", "my_custom-1")])
    func soundAccepts(_ cell: String, _ expected: String) {
        #expect(parseRow(aboveRow([.sound: .string(cell)])).signal?.sound == expected)
    }

    @Test(arguments: [JSONValue.string("my sound"), "sirène", .string(String(repeating: "a", count: 33)), .number("5"), "a;b"])
    func soundRejects(_ cell: JSONValue) {
        #expect(parseRow(aboveRow([.sound: cell])).reason?.hasPrefix("not a sound name") == true)
    }

    @Test(arguments: [
        ("", "once"), ("once", "once"), ("EVERY", "every"), ("30m", "30m"), ("4h", "4h"), ("1d", "1d"), ("2w", "2w"),
        ("90s", "90s"), ("120m", "2h"), (" 4 h ", "4h"),
    ])
    func repeatAccepts(_ cell: String, _ expected: String) {
        #expect(parseRow(aboveRow([.repeat: .string(cell)])).signal?.repeatMode.description == expected)
    }

    @Test(arguments: [JSONValue.string("0h"), "sometimes", "4 hours", "-1h", "h", .number("4"), .bool(true)])
    func repeatRejects(_ cell: JSONValue) {
        #expect(
            parseRow(aboveRow([.repeat: cell])).reason
                == "not a repeat (use once, every, or a duration such as 30m, 4h, 1d)")
    }

    // MARK: - user, note, id

    static let fakeKey = "fake0key0for0tests0only000000a"  // 30 characters, not a real key

    @Test(arguments: [fakeKey, "alice", "ops-team", "bob@example.com", "desk_2"])
    func userAccepts(_ cell: String) {
        #expect(parseRow(aboveRow([.user: .string(cell)])).signal?.user == cell)
    }

    @Test(arguments: [
        (JSONValue.string(String(fakeKey.dropLast())), "looks like a Pushover key but has 29 characters (keys have 30)"),
        (.string(fakeKey + "b"), "looks like a Pushover key but has 31 characters (keys have 30)"),
        ("alice bob", "not a user key or alias (an alias uses letters, digits and _ - . @ +, at most 64)"),
        ("ключ", "not a user key or alias (an alias uses letters, digits and _ - . @ +, at most 64)"),
        ("a,b", "not a user key or alias (an alias uses letters, digits and _ - . @ +, at most 64)"),
        (.string(String(repeating: "a_", count: 33)), "not a user key or alias (an alias uses letters, digits and _ - . @ +, at most 64)"),
        (.number("12345"), "not a user key or alias"),
        (.bool(true), "not a user key or alias"),
    ] as [(JSONValue, String)])
    func userRejects(_ cell: JSONValue, _ reason: String) {
        let r = parseRow(aboveRow([.user: cell]))
        #expect(r.reason == reason)
        if case .rejected(let column, _, _) = r { #expect(column == .user) }
    }

    @Test(arguments: [
        (JSONValue.string("breakout"), "breakout"), (.number("42"), "42"), (.bool(true), "TRUE"),
        ("🚀 to the moon — ✓", "🚀 to the moon — ✓"), ("line 1\nline 2", "line 1\nline 2"),
    ] as [(JSONValue, String)])
    func noteAccepts(_ cell: JSONValue, _ expected: String) {
        #expect(parseRow(aboveRow([.note: cell])).signal?.note == expected)
    }

    /// A 10,000-character note is cut to 500 characters on a character boundary, not rejected.
    @Test func longNotesAreCut() {
        let s = parseRow(aboveRow([.note: .string(String(repeating: "🚀", count: 10_000))])).signal
        #expect(s?.note?.count == 500)
        #expect(s?.note?.hasSuffix("🚀…") == true)
        #expect(parseRow(aboveRow([.note: ""])).signal?.note == nil)
    }

    @Test(arguments: [
        (JSONValue.string("trade-1"), "trade-1"), (.number("7"), "7"), (.number("7.0"), "7"), (" x ", "x"),
        ("BTC breakout 1", "BTC breakout 1"), ("desk:btc/usdt@alice+2", "desk:btc/usdt@alice+2"), ("Trade-1", "Trade-1"),
    ] as [(JSONValue, String)])
    func idAccepts(_ cell: JSONValue, _ expected: String) {
        #expect(parseRow(aboveRow([.id: cell])).signal?.id == expected)
    }

    @Test(arguments: [JSONValue.string("a|b"), "a#b", "ключ", .string(String(repeating: "x", count: 65)), .bool(true), "tab\there"])
    func idRejects(_ cell: JSONValue) {
        #expect(parseRow(aboveRow([.id: cell])).reason?.hasPrefix("not an id") == true)
    }
}
