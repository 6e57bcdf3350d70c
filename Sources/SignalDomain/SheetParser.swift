/// Turns the Sheets API `values` (SPEC §2) into signals, skipped rows and rejected rows. Pure: the
/// clock comes in as `now`. A bad row is rejected on its own and never affects another row.
public enum SheetParser {
    /// - Parameters:
    ///   - values: rows of cells; the first row holds the headers; rows may be ragged.
    ///   - now: the run's time, for `expires`.
    ///   - firstRow: the sheet row number of `values[0]` (1 unless the range starts lower; see
    ///     `firstRow(ofRange:)`), so rejections name the trader's own row numbers.
    public static func parse(values: [[JSONValue]], now: EpochMillis, firstRow: Int = 1) -> SheetParseResult {
        var result = SheetParseResult()
        guard let headerRow = values.first else { return result }
        let header = SheetHeader(headerRow)
        var firstRowOfIdentity: [String: Int] = [:]

        for (offset, cells) in values.dropFirst().enumerated() {
            let rowNumber = firstRow + 1 + offset
            let row = SheetRow(header: header, cells: cells)
            if row.isBlank { continue }
            result.rowsRead += 1
            do throws(RowProblem) {
                switch try row.outcome(now: now) {
                case .skipped(let reason):
                    result.skipped.append(SkippedRow(row: rowNumber, reason: reason))
                case .signal(let signal, let chosenID):
                    if let earlier = firstRowOfIdentity[signal.id] {
                        let why = chosenID ? "same id" : "same exchange, symbol, condition, levels and user"
                        throw RowProblem(.id, signal.id, "duplicate of row \(earlier) (\(why))")
                    }
                    firstRowOfIdentity[signal.id] = rowNumber
                    result.signals.append(SheetSignal(row: rowNumber, signal: signal))
                }
            } catch {
                result.rejected.append(
                    RowRejection(row: rowNumber, column: error.column, value: error.value, reason: error.reason))
            }
        }
        return result
    }

    /// The `values` of a `spreadsheets.values.get` response: absent when the range is empty. A
    /// non-array row (never sent by Google) becomes a one-cell row, so it is reported, not dropped.
    public static func values(fromResponse response: JSONValue) -> [[JSONValue]] {
        guard let rows = response["values"]?.arrayValue else { return [] }
        return rows.map { $0.arrayValue ?? [$0] }
    }

    /// The sheet row number where an A1 range starts: `Sheet1!A1:ZZ1000` → 1, `'My Sheet'!B3:K` → 3,
    /// `Signals` or `A:Z` → 1.
    public static func firstRow(ofRange range: String) -> Int {
        let cells = range.split(separator: "!").last.map(String.init) ?? range
        let start = cells.split(separator: ":").first ?? ""
        let letters = start.prefix { $0.isASCII && $0.isLetter }
        let digits = start.dropFirst(letters.count)
        guard letters.count <= 3, !digits.isEmpty, digits.count <= 7, digits.allSatisfy(SheetText.isDigit),
            let n = Int(digits), n >= 1
        else { return 1 }
        return n
    }
}

/// Why a row is rejected, before its row number is attached.
struct RowProblem: Error {
    let column: SheetColumn
    let value: String
    let reason: String

    init(_ column: SheetColumn, _ value: String, _ reason: String) {
        self.column = column
        self.value = value
        self.reason = reason
    }
}
