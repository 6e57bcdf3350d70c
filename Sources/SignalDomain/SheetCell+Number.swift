/// Numbers in cells (SPEC §2): JSON numbers, or text with at most one currency sign (`$ € £ ¥`, before
/// or after) and `,` thousands separators in groups of three. Anything ambiguous or non-finite is a
/// `CellProblem` whose reason names what is wrong.
enum SheetNumber {
    static let currencySigns: Set<Character> = ["$", "€", "£", "¥"]
    /// Bounds that keep hostile values (`1e60`, `1e-50`) out of the worker's arithmetic.
    static let maxValue = 1e15
    static let minValue = 1e-18
    static let maxTextLength = 40

    /// A positive level (price, percent) from a cell; `percentSign` also accepts a trailing `%`.
    static func positive(_ cell: SheetCell, percentSign: Bool = false) throws(CellProblem) -> Price {
        let price: Price
        switch cell {
        case .blank: throw CellProblem("required")
        case .number(let literal):
            guard let p = Price(literal) else { throw CellProblem("out of range") }
            price = p
        case .text(let text): price = try decimal(text, percentSign: percentSign)
        case .bool, .other: throw CellProblem("not a number")
        }
        return try checkedPositive(price)
    }

    static func checkedPositive(_ price: Price) throws(CellProblem) -> Price {
        guard price.value > 0 else { throw CellProblem("must be positive") }
        guard price.value < maxValue else { throw CellProblem("too large") }
        guard price.value >= minValue else { throw CellProblem("too small") }
        guard price.text.utf8.count <= maxTextLength else { throw CellProblem("too many digits") }
        return price
    }

    /// A signed decimal from trimmed text. The reasons are the ones a trader sees.
    static func decimal(_ raw: String, percentSign: Bool = false) throws(CellProblem) -> Price {
        var text = raw.trimmingSpaces()
        if text.isEmpty { throw CellProblem("required") }
        if text.hasPrefix("=") { throw CellProblem("formula, not a value") }
        if text.hasPrefix("#") { throw CellProblem(text.count <= 16 ? "spreadsheet error \(text)" : "not a number") }
        if percentSign, text.hasSuffix("%") { text = String(text.dropLast()).trimmingSpaces() }
        text = try withoutCurrency(text)
        var sign = ""
        if let first = text.first, first == "-" || first == "+" {
            sign = first == "-" ? "-" : ""
            text = String(text.dropFirst())
        }
        if ["nan", "inf", "infinity"].contains(text.lowercased()) { throw CellProblem("not a finite number") }
        if text.contains(",") { text = try withoutThousandsSeparators(text) }
        guard isDecimalLiteral(text) else { throw CellProblem("not a number") }
        guard let price = Price(sign + text) else { throw CellProblem("out of range") }
        return price
    }

    /// Drops one currency sign at either end (with the spaces beside it). Signs are not kept: a level
    /// is compared with the market's own quote currency.
    static func withoutCurrency(_ text: String) throws(CellProblem) -> String {
        let count = text.reduce(0) { $0 + (currencySigns.contains($1) ? 1 : 0) }
        if count == 0 { return text }
        if count > 1 { throw CellProblem("more than one currency sign") }
        var t = text
        var signPrefix = ""
        if let first = t.first, first == "-" || first == "+" {
            signPrefix = String(first)
            t = String(t.dropFirst()).trimmingSpaces()
        }
        if let first = t.first, currencySigns.contains(first) {
            return signPrefix + String(t.dropFirst()).trimmingSpaces()
        }
        if let last = t.last, currencySigns.contains(last) {
            return signPrefix + String(t.dropLast()).trimmingSpaces()
        }
        throw CellProblem("not a number")
    }

    /// `65,000.50` → `65000.50`. Only strict groups of three in the whole part are separators:
    /// `65,5`, `1,2345`, `1,23,456` and `1.234,5` are ambiguous and rejected, never guessed.
    static func withoutThousandsSeparators(_ text: String) throws(CellProblem) -> String {
        guard isThousandsGrouped(text) else { throw CellProblem("ambiguous thousands separator") }
        return text.filter { $0 != "," }
    }

    /// True for `1,234`, `12,345,678.9`: digits in a first group of 1–3 then groups of exactly three.
    static func isThousandsGrouped(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2, !parts[1].allSatisfy(SheetText.isDigit) { return false }
        let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count >= 2, (1...3).contains(groups[0].count) else { return false }
        for (i, g) in groups.enumerated() {
            guard g.allSatisfy(SheetText.isDigit), i == 0 || g.count == 3 else { return false }
        }
        return true
    }

    /// Unsigned `digits[.digits][e[±]digits]` in ASCII (no `inf`, no hex, no locale digits).
    static func isDecimalLiteral(_ text: String) -> Bool {
        var u = text.utf8[...]
        var mantissaDigits = 0
        while let c = u.first, SheetText.isDigit(c) { mantissaDigits += 1; u = u.dropFirst() }
        if u.first == UInt8(ascii: ".") {
            u = u.dropFirst()
            while let c = u.first, SheetText.isDigit(c) { mantissaDigits += 1; u = u.dropFirst() }
        }
        guard mantissaDigits > 0 else { return false }
        if let c = u.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            u = u.dropFirst()
            if let s = u.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { u = u.dropFirst() }
            guard let d = u.first, SheetText.isDigit(d) else { return false }
            while let c = u.first, SheetText.isDigit(c) { u = u.dropFirst() }
        }
        return u.isEmpty
    }
}

/// ASCII character classes for cell grammars: locale digits (`６`, `١`) are not digits here.
enum SheetText {
    static func isDigit(_ c: Character) -> Bool { c.isASCII && ("0"..."9").contains(c) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        (0x30...0x39).contains(s.value) || (0x41...0x5A).contains(s.value) || (0x61...0x7A).contains(s.value)
    }
    /// `[A-Za-z0-9_-]`
    static func isNameCharacter(_ s: Unicode.Scalar) -> Bool { isAlphanumeric(s) || s == "_" || s == "-" }
}
