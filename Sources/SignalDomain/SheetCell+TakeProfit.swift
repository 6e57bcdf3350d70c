/// `take_profit` cells: one or several levels.
///
/// Separator rule (README § The sheet): `;` and spaces always separate levels. A comma is a thousands
/// separator when the whole piece is strictly grouped in threes (`66,000`, `1,250,000.5`); otherwise
/// commas separate levels (`66000,68000`, `0.5,0.6`). A piece that could only be a mangled grouping
/// (`66,000,68,000` → a `000` level) is rejected as ambiguous. A piece such as `150,160` reads both ways
/// (150160, or 150 and 160): `alternative(in:)` gives the split reading and the row keeps whichever reading
/// makes a valid trade, rejecting the row when both do. `66,000` never splits (`000` is no level), and one
/// such piece settles the whole cell (`3,200 3,000`).
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

    /// The split reading of a cell whose comma-grouped pieces (`150,160`) could also be lists, or nil when
    /// the cell reads only one way. Pieces read as lists or as certain thousands (`66,000`) stay as they are.
    static func alternative(in cell: SheetCell) -> [Price]? {
        guard case .text(let text) = cell, !text.hasPrefix("="), !text.hasPrefix("#") else { return nil }
        var out: [Price] = []
        var split = false
        for rawPiece in text.split(whereSeparator: { $0 == ";" || $0.isWhitespace }) {
            if rawPiece.count == 1, let c = rawPiece.first, SheetNumber.currencySigns.contains(c) { continue }
            let piece = trimCommas(rawPiece)
            if piece.isEmpty { continue }
            guard piece.contains(","), let whole = try? SheetNumber.decimal(piece) else {
                guard let levels = try? levels(in: piece) else { return nil }
                out += levels
                continue
            }
            let parts = piece.split(separator: ",").map(String.init)
            // A `000`-style tail makes it thousands for certain, and then so is every comma in the cell.
            if parts.dropFirst().contains(where: looksLikeThousandsGroup) { return nil }
            var levels: [Price] = []
            for part in parts {
                guard let p = try? SheetNumber.decimal(part) else { return nil }
                levels.append(p)
            }
            _ = whole
            out += levels
            split = true
        }
        return split ? out : nil
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
