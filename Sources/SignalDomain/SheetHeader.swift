/// The header row read into a map from column to the cell positions that carry it.
public struct SheetHeader: Sendable, Equatable {
    /// Positions (0-based) of each recognised column, in sheet order. Usually one; several for
    /// `take_profit` (`tp1`, `tp2`, …) or when the trader named a column twice.
    public let positions: [SheetColumn: [Int]]
    /// Required columns the header does not have: every data row is then rejected naming them.
    public let missing: [SheetColumn]
    private let recognised: Set<Int>

    public init(_ row: [JSONValue]) {
        var positions: [SheetColumn: [Int]] = [:]
        for (index, cell) in row.enumerated() {
            guard case .string(let text) = cell, let column = SheetColumn(header: text) else { continue }
            positions[column, default: []].append(index)
        }
        self.positions = positions
        missing = SheetColumn.required.filter { positions[$0] == nil }
        recognised = Set(positions.values.joined())
    }

    public func has(_ column: SheetColumn) -> Bool { positions[column] != nil }

    /// True when a cell position belongs to a recognised column.
    func isRecognised(_ index: Int) -> Bool { recognised.contains(index) }

    /// Column letters (`A`, `Z`, `AA`) for messages about a position.
    static func letter(_ index: Int) -> String {
        var n = index + 1
        var out: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            out.insert(Character(Unicode.Scalar(UInt8(65 + r))), at: 0)
            n = (n - 1) / 26
        }
        return String(out)
    }
}
