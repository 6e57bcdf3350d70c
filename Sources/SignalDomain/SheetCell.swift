/// One cell as the Sheets API sends it with `valueRenderOption=UNFORMATTED_VALUE`: a string, a number
/// (its literal text kept), a bool (checkboxes), or nothing (dropped trailing cells, `null`, `""`).
enum SheetCell: Sendable, Equatable {
    case blank
    /// Trimmed, never empty.
    case text(String)
    /// The JSON number's literal text.
    case number(String)
    case bool(Bool)
    /// Arrays and objects: never sent by the Sheets API, handled so hostile input cannot crash a row.
    case other(JSONValue)

    init(_ value: JSONValue?) {
        guard let value else { self = .blank; return }
        switch value {
        case .null: self = .blank
        case .string(let s):
            let t = s.trimmingSpaces()
            self = t.isEmpty ? .blank : .text(t)
        case .number(let n): self = .number(n)
        case .bool(let b): self = .bool(b)
        case .array, .object: self = .other(value)
        }
    }

    var isBlank: Bool { self == .blank }

    /// Longest value echoed back in a rejection: a 10,000-character cell must not bloat the result.
    static let maxShownValue = 100

    /// The value as the trader sees it, for rejections (cut to `maxShownValue` characters).
    var shown: String {
        let full: String
        switch self {
        case .blank: full = ""
        case .text(let t): full = t
        case .number(let n): full = n
        case .bool(let b): full = b ? "TRUE" : "FALSE"
        case .other(let v): full = v.serialized
        }
        return full.count <= SheetCell.maxShownValue ? full : String(full.prefix(SheetCell.maxShownValue)) + "…"
    }

    /// The cell as text for text-valued columns (`note`, `id`, `user`, …): numbers by their literal.
    var plainText: String? {
        switch self {
        case .blank, .other: return nil
        case .text(let t): return t
        case .number(let n): return Price.normalise(n) ?? n
        case .bool(let b): return b ? "TRUE" : "FALSE"
        }
    }
}

extension SheetCell {
    /// What two cells of a column named twice are compared by: numbers by value (`700` = `"700.00"` =
    /// `"$700"`), anything else as written.
    var agreementKey: String {
        switch self {
        case .number(let n): return Price.normalise(n) ?? n
        case .text(let t): return (try? SheetNumber.decimal(t))?.text ?? t
        case .blank, .bool, .other: return plainText ?? shown
        }
    }
}

/// Why one cell is unusable: becomes a `RowRejection` naming the row, column and value.
struct CellProblem: Error, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
