import Testing
@testable import SignalDomain

/// Number cells (SPEC §2), through a real `target_price` cell so the row-level wiring is covered too.
@Suite struct SheetNumberTests {
    @Test(arguments: [
        (JSONValue.number("65000"), "65000"),
        (.number("65000.50"), "65000.5"),
        (.number("6.5E4"), "65000"),
        (.number("1.0"), "1"),
        (.number("1.234e-08"), "0.00000001234"),
        ("65000", "65000"),
        (" 65000 ", "65000"),
        ("\u{00A0}65000\u{00A0}", "65000"),
        ("$65,000.50", "65000.5"),
        ("65,000.50 $", "65000.5"),
        ("$ 65,000", "65000"),
        ("€1,234", "1234"),
        ("£0.5", "0.5"),
        ("¥100", "100"),
        ("1,000,000", "1000000"),
        ("999,999.999", "999999.999"),
        ("+7", "7"),
        (".5", "0.5"),
        ("0.00000001", "0.00000001"),
        ("1.5e3", "1500"),
        ("007", "7"),
    ] as [(JSONValue, String)])
    func accepts(_ cell: JSONValue, _ expected: String) {
        #expect(parseRow(aboveRow([.targetPrice: cell])).signal?.targetPrice?.text == expected)
    }

    @Test(arguments: [
        (JSONValue.string(""), "required for above"),
        (.null, "required for above"),
        ("   ", "required for above"),
        ("abc", "not a number"),
        ("NaN", "not a finite number"),
        ("nan", "not a finite number"),
        ("inf", "not a finite number"),
        ("-Infinity", "not a finite number"),
        ("1e400", "out of range"),
        (.number("1e400"), "out of range"),
        (.number("-1e400"), "out of range"),
        ("=A1", "formula, not a value"),
        ("=SUM(A1:A3)", "formula, not a value"),
        ("#N/A", "spreadsheet error #N/A"),
        ("#REF!", "spreadsheet error #REF!"),
        ("#VALUE!", "spreadsheet error #VALUE!"),
        ("#DIV/0!", "spreadsheet error #DIV/0!"),
        ("65,5", "ambiguous thousands separator"),
        ("1,2345", "ambiguous thousands separator"),
        ("1,23,456", "ambiguous thousands separator"),
        ("1234,567", "ambiguous thousands separator"),
        (",100", "ambiguous thousands separator"),
        ("100,", "ambiguous thousands separator"),
        ("1.234,5", "ambiguous thousands separator"),
        ("1,000.5,0", "ambiguous thousands separator"),
        ("0", "must be positive"),
        (.number("0"), "must be positive"),
        (.number("-0.0"), "must be positive"),
        ("-1", "must be positive"),
        ("$-5", "must be positive"),
        ("-$5", "must be positive"),
        ("$$5", "more than one currency sign"),
        ("$5€", "more than one currency sign"),
        ("US$5", "not a number"),
        ("5 5", "not a number"),
        ("1..2", "not a number"),
        ("0x10", "not a number"),
        ("1e", "not a number"),
        ("١٢٣", "not a number"),
        ("６５０００", "not a number"),
        ("5%", "not a number"),
        (.bool(true), "not a number"),
        (.bool(false), "not a number"),
        (.array([1]), "not a number"),
        (.object(JSONObject()), "not a number"),
        (.number("1e20"), "too large"),
        (.number("1000000000000000"), "too large"),
        (.number("1e-25"), "too small"),
        ("1.0000000000000000000000000000000000000001", "too many digits"),
    ] as [(JSONValue, String)])
    func rejects(_ cell: JSONValue, _ reason: String) {
        let result = parseRow(aboveRow([.targetPrice: cell]))
        #expect(result.reason == reason, "\(cell) → \(result)")
        if case .rejected(let column, _, _) = result { #expect(column == .targetPrice) }
    }

    /// The rejection echoes the value as written (cut at 100 characters).
    @Test func rejectionShowsTheValue() {
        #expect(parseRow(aboveRow([.targetPrice: "abc"])) == .rejected(column: .targetPrice, value: "abc", reason: "not a number"))
        let long = String(repeating: "7", count: 10_000) + "x"
        guard case .rejected(_, let value, _) = parseRow(aboveRow([.targetPrice: .string(long)])) else {
            Issue.record("not rejected")
            return
        }
        #expect(value == String(repeating: "7", count: 100) + "…")
    }

    @Test(arguments: [
        (JSONValue.number("5"), "5"), ("5", "5"), ("5%", "5"), ("5 %", "5"), ("0.5", "0.5"), ("12.5%", "12.5"),
    ] as [(JSONValue, String)])
    func percentAccepts(_ cell: JSONValue, _ expected: String) {
        let r = parseRow([.symbol: "BTCUSDT", .condition: "pct_up", .percent: cell])
        #expect(r.signal?.percent?.text == expected)
    }

    @Test(arguments: [
        (JSONValue.string(""), "pct_up", "required for pct_up"),
        ("0%", "pct_up", "must be positive"),
        ("%", "pct_up", "not a number"),
        ("5%%", "pct_down", "not a number"),
        ("100", "pct_down", "must be below 100 for pct_down"),
        ("99.9", "pct_down", nil),
        ("250", "pct_up", nil),
    ] as [(JSONValue, String, String?)])
    func percentRules(_ cell: JSONValue, _ condition: String, _ reason: String?) {
        let r = parseRow([.symbol: "BTCUSDT", .condition: .string(condition), .percent: cell])
        #expect(r.reason == reason, "\(r)")
    }
}
