import Testing
@testable import SignalDomain

/// Columns are found by header: aliases, spelling, duplicates, missing required columns, blank rows.
@Suite struct SheetHeaderTests {
    @Test(arguments: [
        ("symbol", SheetColumn.symbol), ("Pair", .symbol), (" TICKER ", .symbol), ("Exchange", .exchange),
        ("venue", .exchange), ("Condition", .condition), ("Type", .condition), ("Target Price", .targetPrice),
        ("target-price", .targetPrice), ("TARGET_PRICE", .targetPrice), ("TargetPrice", .targetPrice),
        ("target  price", .targetPrice), ("price", .targetPrice), ("Target", .targetPrice), ("level", .targetPrice),
        ("Percent", .percent), ("entry", .entry), ("Take Profit", .takeProfit), ("TP", .takeProfit),
        ("tp1", .takeProfit), ("TP 2", .takeProfit), ("tp-3", .takeProfit), ("TP4", .takeProfit), ("Take Profit 1", .takeProfit), ("take_profit_12", .takeProfit),
        ("Entry Price", .entry), ("pct", .percent), ("Stop-Loss", .stopLoss),
        ("SL", .stopLoss), ("active", .active), ("Enabled", .active), ("Pushover User Key", .user), ("user", .user),
        ("User Key", .user), ("priority", .priority), ("Sound", .sound), ("Repeat", .repeat),
        ("frequency", .repeat), ("Expires", .expires), ("until", .expires), ("Note", .note), ("message", .note),
        ("Comment", .note), ("ID", .id), ("\tid\n", .id),
        // Invisible characters pasted along with a header (a file's byte-order mark, a zero-width space).
        ("\u{FEFF}symbol", .symbol), ("Condition\u{200B}", .condition), ("\u{2060}Target Price\u{00A0}", .targetPrice),
    ] as [(String, SheetColumn)])
    func aliases(_ header: String, _ column: SheetColumn) {
        #expect(SheetColumn(header: header) == column)
    }

    @Test(arguments: ["Notes", "Price (current)", "my formula", "", "tp123", "tpx", "take profit x", "stop", "symbols", "条件"])
    func unknownHeaders(_ header: String) {
        #expect(SheetColumn(header: header) == nil)
    }

    /// Every alias of every column, written the canonical way, is recognised.
    @Test func everyDocumentedNameIsRecognised() {
        for column in SheetColumn.allCases {
            for name in column.names { #expect(SheetColumn(header: name) == column, "\(name)") }
        }
    }

    @Test func columnsAreFoundByHeaderNotPosition() {
        let header: [JSONValue] = ["Note", "My Column", "Target Price", "Condition", "Pair"]
        let s = parseRow(header: header, ["hello", "=whatever", 65000, "above", "ETHUSDT"]).signal
        #expect(s?.symbol == "ETHUSDT")
        #expect(s?.targetPrice?.text == "65000")
        #expect(s?.note == "hello")
    }

    /// Non-text header cells (numbers, bools) are just unknown columns.
    @Test func nonTextHeadersAreIgnored() {
        let header: [JSONValue] = [1, true, .null, "symbol", "condition", "price"]
        #expect(parseRow(header: header, [9, false, "x", "BTCUSDT", "above", 1]).signal != nil)
    }

    @Test func missingRequiredHeaderRejectsEveryRow() {
        let values: [[JSONValue]] = [
            ["Pair Name", "Condition", "Target"], ["BTCUSDT", "above", 65000], [], ["ETHUSDT", "below", 3000],
            ["", "", "", "stray"],
        ]
        let p = SheetParser.parse(values: values, now: testNow)
        #expect(p.rowsRead == 3)
        #expect(p.signals.isEmpty)
        #expect(p.rejected.map(\.row) == [2, 4, 5])
        for r in p.rejected {
            #expect(r.column == .symbol)
            #expect(r.reason == "the header row has no symbol column (accepted names: symbol, pair, ticker)")
        }
    }

    @Test func bothRequiredHeadersMissing() {
        let p = SheetParser.parse(values: [["a", "b"], ["BTCUSDT", "above"]], now: testNow)
        #expect(
            p.rejected.first?.reason
                == "the header row has no symbol or condition column (accepted names: symbol, pair, ticker; condition, type)")
    }

    /// No header row at all, or only a header: nothing read, nothing to report.
    @Test func emptySheets() {
        #expect(SheetParser.parse(values: [], now: testNow) == SheetParseResult())
        #expect(SheetParser.parse(values: [["symbol", "condition"]], now: testNow).rowsRead == 0)
        #expect(SheetParser.values(fromResponse: ["range": "Sheet1!A1:ZZ", "majorDimension": "ROWS"]).isEmpty)
    }

    /// A column named twice: one value, or equal values, are fine; different values reject the row.
    @Test(arguments: [
        ([65000, ""] as [JSONValue], "65000" as String?),
        (["", 65000], "65000"),
        ([65000, "65,000.00"], "65000"),
        ([65000, "$65000"], "65000"),
        ([65000, 66000], nil),
    ] as [([JSONValue], String?)])
    func duplicateColumns(_ cells: [JSONValue], _ expected: String?) {
        let header: [JSONValue] = ["symbol", "condition", "Price", "Target"]
        let r = parseRow(header: header, ["BTCUSDT", "above"] + cells)
        #expect(r.signal?.targetPrice?.text == expected)
        if expected == nil {
            #expect(r == .rejected(column: .targetPrice, value: "66000",
                reason: "target_price is named twice in the header (columns C and D) and they disagree"))
        }
    }

    @Test func duplicateSymbolColumnsMustAgree() {
        let header: [JSONValue] = ["Symbol", "condition", "price", "Ticker"]
        #expect(parseRow(header: header, ["BTCUSDT", "above", 1, "BTCUSDT"]).signal != nil)
        #expect(parseRow(header: header, ["BTCUSDT", "above", 1, "ETHUSDT"]).reason?.contains("named twice") == true)
    }

    @Test(arguments: [
        [] as [JSONValue], [""], ["", " ", "\t\n"], [.null, .null], ["", "", "", "", "", "", "", "", false],
        ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "=mine"], [.null, "", "", "", "", "", "", "", false, "", "", "", "", "", "", "", 42, 43],
    ] as [[JSONValue]])
    func blankRowsAppearNowhere(_ row: [JSONValue]) {
        let header: [JSONValue] = standardHeader.map { .string($0) } + ["My Formula"]
        let p = SheetParser.parse(values: [header, row, ["BTCUSDT", "binance", "above", 1]], now: testNow)
        #expect(p.rowsRead == 1)
        #expect(p.signals.map(\.row) == [3])
        #expect(p.skipped.isEmpty)
        #expect(p.rejected.isEmpty)
    }

    /// Row numbers are the sheet's own: header row 1, data from row 2, blank rows still counted in
    /// the numbering; a range that starts lower shifts them.
    @Test func rowNumbersAreTheSheets() {
        let values: [[JSONValue]] = [["symbol", "condition", "price"], [], ["BTCUSDT", "above", 1], ["x"]]
        let p = SheetParser.parse(values: values, now: testNow)
        #expect(p.signals.map(\.row) == [3])
        #expect(p.rejected.map(\.row) == [4])
        let shifted = SheetParser.parse(values: values, now: testNow, firstRow: 5)
        #expect(shifted.signals.map(\.row) == [7])
    }

    @Test(arguments: [
        ("Sheet1!A1:ZZ1000", 1), ("'My Sheet'!B3:K", 3), ("Signals", 1), ("A:Z", 1), ("'a!b'!C10:D20", 10),
        ("Sheet1!A5", 5), ("Sheet3", 1), ("", 1), ("Sheet1!1:2", 1),
    ] as [(String, Int)])
    func firstRowOfRange(_ range: String, _ row: Int) {
        #expect(SheetParser.firstRow(ofRange: range) == row)
    }
}
