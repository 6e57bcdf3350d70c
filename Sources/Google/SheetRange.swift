/// An A1 range as the trader wrote it in `GOOGLE_SHEETS_RANGE`, made safe to send: a sheet (tab) name is
/// quoted when it is not already (`My Signals!A1:Z` → `'My Signals'!A1:Z`, `Bob's!A:H` → `'Bob''s'!A:H`),
/// because Sheets needs quotes around names with spaces or punctuation and quoting is always allowed.
/// The path encoding happens when the request is built.
public struct SheetRange: Sendable, Equatable, CustomStringConvertible {
    /// The whole first sheet, wide enough for any signal sheet.
    public static let defaultA1 = "A1:ZZ"

    public let a1: String

    /// nil or blank gives the default range.
    public init(_ text: String?) {
        let t = (text ?? "").trimmedWhitespace()
        a1 = t.isEmpty ? Self.defaultA1 : Self.quotingSheetName(t)
    }

    public var description: String { a1 }

    /// Cells only (`A1:ZZ`, `B:B`, `2:100`) — a name like that would be read as cells by Sheets anyway.
    static func isCellReference(_ s: Substring) -> Bool {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { p in
            let letters = p.prefix { $0.isASCII && $0.isLetter }
            let digits = p.dropFirst(letters.count)
            return !p.isEmpty && letters.count <= 3 && digits.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }

    static func quote(_ name: Substring) -> String {
        "'" + name.replacing("'", with: "''") + "'"
    }

    static func quotingSheetName(_ t: String) -> String {
        if t.hasPrefix("'") { return t }  // already quoted: the trader's own spelling wins
        if let bang = t.lastIndex(of: "!") {
            let sheet = t[..<bang]
            let cells = t[t.index(after: bang)...]
            guard !sheet.isEmpty else { return t }
            return quote(sheet) + "!" + cells
        }
        // No `!`: either cells on the first sheet, or a whole sheet by name.
        return isCellReference(t[...]) ? t : quote(t[...])
    }
}
