/// One data row seen through the header: cells by column, blanks for cells the API dropped.
struct SheetRow {
    let header: SheetHeader
    let cells: [JSONValue]

    func cell(at index: Int) -> SheetCell { SheetCell(index < cells.count ? cells[index] : nil) }

    /// Blank rows are skipped silently. When the header is usable, only recognised columns count (the
    /// trader's own formula columns may run down the whole sheet), and an unticked checkbox (`false`)
    /// in `active` counts as blank. When a required header is missing, any value counts, so a sheet
    /// with a broken header row is reported rather than read as empty.
    var isBlank: Bool {
        let activePositions = header.positions[.active] ?? []
        for index in cells.indices {
            if header.missing.isEmpty && !header.isRecognised(index) { continue }
            let c = cell(at: index)
            if c.isBlank { continue }
            if c == .bool(false), activePositions.contains(index) { continue }
            return false
        }
        return true
    }

    /// The one cell of a column (blank if the header lacks it). A column named twice must not
    /// disagree: the row is rejected rather than one value silently chosen.
    func cell(_ column: SheetColumn) throws(RowProblem) -> SheetCell {
        guard let positions = header.positions[column] else { return .blank }
        var found: (index: Int, cell: SheetCell)?
        for index in positions {
            let c = cell(at: index)
            if c.isBlank { continue }
            guard let first = found else { found = (index, c); continue }
            if first.cell.agreementKey != c.agreementKey {
                let letters = "\(SheetHeader.letter(first.index)) and \(SheetHeader.letter(index))"
                throw RowProblem(column, c.shown, "\(column) is named twice in the header (columns \(letters)) and they disagree")
            }
        }
        return found?.cell ?? .blank
    }

    /// Parses one column's cell, turning a cell problem into a row problem that names column and value.
    func read<T>(_ column: SheetColumn, _ parse: (SheetCell) throws(CellProblem) -> T) throws(RowProblem) -> T {
        let c = try cell(column)
        do {
            return try parse(c)
        } catch {
            throw RowProblem(column, c.shown, error.reason)
        }
    }
}
