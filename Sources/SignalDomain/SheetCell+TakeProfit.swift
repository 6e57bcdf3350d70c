/// `take_profit` cells: one or several levels.
///
/// Separator rule (README § The sheet): `;` and spaces always separate levels. A comma is a thousands
/// separator when the whole piece is strictly grouped in threes (`66,000`, `1,250,000.5`); otherwise
/// commas separate levels (`66000,68000`, `0.5,0.6`). A piece that could only be a mangled grouping
/// (`66,000,68,000` → a `000` level) is rejected as ambiguous. To list small levels such as 100 and 200,
/// write `100; 200` or `100 200`: `100,200` is the single level 100200.
enum TakeProfitText {
    static let maxLevels = 20

    /// The levels in one cell, in the order written (not yet checked for sign or range).
    static func levels(in cell: SheetCell) throws(CellProblem) -> [Price] {
        switch cell {
        case .blank: return []
        case .number(let literal):
            guard let p = Price(literal) else { throw CellProblem("out of range") }
            return [p]
        case .bool, .other: throw CellProblem("not a number")
        case .text(let text): return try levels(in: text)
        }
    }

    static func levels(in text: String) throws(CellProblem) -> [Price] {
        if text.hasPrefix("=") { throw CellProblem("formula, not a value") }
        if text.hasPrefix("#") { return [try SheetNumber.decimal(text)] }
        var out: [Price] = []
        let pieces = text.split(whereSeparator: { $0 == ";" || $0.isWhitespace })
        for rawPiece in pieces {
            // A currency sign standing alone (`$ 66000`) carries no level.
            if rawPiece.count == 1, let c = rawPiece.first, SheetNumber.currencySigns.contains(c) { continue }
            let piece = trimCommas(rawPiece)
            if piece.isEmpty { continue }
            if let single = try? SheetNumber.decimal(piece) {
                out.append(single)
            } else if piece.contains(",") {
                for part in piece.split(separator: ",", omittingEmptySubsequences: false) {
                    let p = String(part)
                    if p.isEmpty { continue }
                    if looksLikeThousandsGroup(p) { throw CellProblem("ambiguous thousands separator") }
                    out.append(try SheetNumber.decimal(p))
                }
            } else {
                out.append(try SheetNumber.decimal(piece))
            }
            if out.count > maxLevels { throw CellProblem("more than \(maxLevels) take-profit levels") }
        }
        return out
    }

    private static func trimCommas(_ s: Substring) -> String {
        var t = s
        while t.first == "," { t = t.dropFirst() }
        while t.last == "," { t = t.dropLast() }
        return String(t)
    }

    /// `000`, `05`, `0`: a part that only makes sense as the tail of a thousands grouping.
    private static func looksLikeThousandsGroup(_ part: String) -> Bool {
        let digits = part.prefix { $0 != "." }
        return digits.first == "0" && (digits.count > 1 || part == "0") && digits.allSatisfy(SheetText.isDigit)
    }
}
