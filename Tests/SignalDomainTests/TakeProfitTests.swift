import Testing
@testable import SignalDomain

/// `take_profit` lists and the long/short level rules.
@Suite struct TakeProfitTests {
    /// The separator rule: `;` and spaces always split; a comma is a thousands separator only when the
    /// piece is strictly grouped in threes, otherwise it splits.
    @Test(arguments: [
        (JSONValue.number("66000"), ["66000"]),
        ("66000", ["66000"]),
        ("66,000", ["66000"]),
        ("$66,000.50", ["66000.5"]),
        ("1,500", ["1500"]),
        ("100,200", ["100200"]),
        ("66000,68000", ["66000", "68000"]),
        ("66000, 68000", ["66000", "68000"]),
        ("66,000, 68,000", ["66000", "68000"]),
        ("66,000;68,000", ["66000", "68000"]),
        ("66,000 68,000 70,000", ["66000", "68000", "70000"]),
        ("66000;;68000", ["66000", "68000"]),
        ("66000,,68000", ["66000", "68000"]),
        ("$66,000 $68,000", ["66000", "68000"]),
        ("$ 66000", ["66000"]),
        ("66000 € 68000 €", ["66000", "68000"]),
        ("0.5,0.6", ["0.5", "0.6"]),
        ("66,5", ["66", "5"]),
        ("\n66000\t68000\n", ["66000", "68000"]),
    ] as [(JSONValue, [String])])
    func splits(_ cell: JSONValue, _ expected: [String]) throws {
        let levels = try TakeProfitText.levels(in: SheetCell(cell))
        #expect(levels.map(\.text) == expected)
    }

    @Test(arguments: [
        (JSONValue.string("66,000,68,000"), "ambiguous thousands separator"),
        ("1,000,2,000", "ambiguous thousands separator"),
        ("0,5", "ambiguous thousands separator"),
        ("66000,05", "ambiguous thousands separator"),
        ("66000,abc", "not a number"),
        ("abc", "not a number"),
        ("=A1", "formula, not a value"),
        ("#N/A", "spreadsheet error #N/A"),
        ("NaN", "not a finite number"),
        (.bool(true), "not a number"),
        (.number("1e400"), "out of range"),
    ] as [(JSONValue, String)])
    func rejectsCells(_ cell: JSONValue, _ reason: String) {
        #expect(throws: CellProblem(reason)) { try TakeProfitText.levels(in: SheetCell(cell)) }
    }

    /// `150,160` is 150160 or 150 and 160: the row keeps the reading that makes a valid trade and is
    /// rejected when both do; a certain thousands piece (`3,000`) settles the whole cell.
    @Test(arguments: [
        ([SheetColumn.entry: JSONValue.number("64000"), .takeProfit: "65,500", .stopLoss: .number("62000")], ["65500"]),
        ([.entry: .number("140"), .takeProfit: "150,160", .stopLoss: .number("130")], nil),
        ([.entry: .number("1.40"), .takeProfit: "1.5,1.6", .stopLoss: .number("1.3")], ["1.5", "1.6"]),
        ([.entry: .number("100"), .takeProfit: "150,160", .stopLoss: .number("90")], nil),
        ([.condition: "short", .entry: .number("200"), .takeProfit: "150,160", .stopLoss: .number("220")], ["160", "150"]),
        ([.entry: .number("150000"), .takeProfit: "150,160", .stopLoss: .number("140000")], ["150160"]),
        ([.entry: .number("2500"), .takeProfit: "3,200 3,000", .stopLoss: .number("2000")], ["3000", "3200"]),
    ] as [([SheetColumn: JSONValue], [String]?)])
    func ambiguousCommasFollowTheTrade(_ cells: [SheetColumn: JSONValue], _ expected: [String]?) {
        let r = parseRow(longRow(cells))
        if let expected {
            #expect(r.signal?.takeProfits.map(\.text) == expected, "\(r.reason ?? "")")
        } else {
            #expect(r.signal == nil)
            #expect(r.reason?.hasPrefix("ambiguous") == true)
        }
    }

    @Test func atMostTwentyLevels() {
        let twenty = (1...20).map { String(66000 + $0) }.joined(separator: " ")
        #expect(parseRow(longRow([.takeProfit: .string(twenty)])).signal?.takeProfits.count == 20)
        let r = parseRow(longRow([.takeProfit: .string(twenty + " 70000")]))
        #expect(r.reason == "more than 20 take-profit levels")
    }

    @Test func levelsAcrossColumnsAreOrderedByDistanceFromEntry() {
        let header: [JSONValue] = ["symbol", "condition", "entry", "TP1", "TP2", "TP 3", "stop loss"]
        let long = parseRow(header: header, ["BTCUSDT", "long", 64000, 70000, "66000", "68,000", 62000])
        #expect(long.signal?.takeProfits.map(\.text) == ["66000", "68000", "70000"])
        let short = parseRow(header: header, ["BTCUSDT", "short", 64000, 58000, "62000", "60,000", 66000])
        #expect(short.signal?.takeProfits.map(\.text) == ["62000", "60000", "58000"])
    }

    @Test(arguments: [
        // long: SL < entry < every TP
        (longRow([:]), nil),
        (longRow([.entry: ""]), nil),
        (longRow([.stopLoss: 64000]), "stop-loss must be below entry 64000 for long"),
        (longRow([.stopLoss: 65000]), "stop-loss must be below entry 64000 for long"),
        (longRow([.takeProfit: "64000 66000"]), "take-profit must be above entry 64000 for long"),
        (longRow([.entry: "", .takeProfit: "61000"]), "take-profit must be above stop-loss 62000 for long"),
        (longRow([.takeProfit: "66000 66,000.00"]), "take-profit 66000 is listed twice"),
        (longRow([.takeProfit: ""]), "required for long"),
        (longRow([.stopLoss: ""]), "required for long"),
        (longRow([.stopLoss: "-1"]), "must be positive"),
        (longRow([.entry: "=A1"]), "formula, not a value"),
        (longRow([.takeProfit: "66000 0"]), "must be positive"),
        // short: TP < entry < SL
        (longRow([.condition: "short", .takeProfit: "60000 58000", .stopLoss: 66000]), nil),
        (longRow([.condition: "short", .takeProfit: "60000", .stopLoss: 63000]), "stop-loss must be above entry 64000 for short"),
        (longRow([.condition: "short", .takeProfit: "65000", .stopLoss: 66000]), "take-profit must be below entry 64000 for short"),
        (longRow([.condition: "short", .entry: "", .takeProfit: "67000", .stopLoss: 66000]), "take-profit must be below stop-loss 66000 for short"),
    ] as [([SheetColumn: JSONValue], String?)])
    func levelsMustFitTheSide(_ cells: [SheetColumn: JSONValue], _ reason: String?) {
        let r = parseRow(cells)
        #expect(r.reason == reason, "\(r)")
    }

    @Test func blankEntryMeansEnteredAtFirstCheck() {
        let s = parseRow(longRow([.entry: ""])).signal
        #expect(s?.entry == nil)
        #expect(s?.takeProfits.map(\.text) == ["66000", "68000"])
        #expect(s?.stopLoss?.text == "62000")
    }

    /// Columns that do not apply to the condition are ignored, junk included, and not carried.
    @Test func irrelevantLevelsAreIgnored() {
        let s = parseRow(aboveRow([.percent: "#N/A", .takeProfit: "=A1", .entry: "abc", .stopLoss: -1])).signal
        #expect(s != nil)
        #expect(s?.takeProfits == [] && s?.entry == nil && s?.stopLoss == nil && s?.percent == nil)
        let t = parseRow(longRow([.targetPrice: "junk", .percent: 5])).signal
        #expect(t?.targetPrice == nil && t?.percent == nil)
    }
}
