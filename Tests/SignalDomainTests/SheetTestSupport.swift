#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import SignalDomain

/// The run time every sheet test uses: 2026-11-25T20:00:00Z.
let testNow: EpochMillis = UTCTime.parseISO8601("2026-11-25T20:00:00Z")!

/// What became of one data row, in a form tests can compare.
enum RowResult: Equatable, CustomStringConvertible {
    case signal(Signal)
    case skipped(SkippedRow.Reason)
    case rejected(column: SheetColumn, value: String, reason: String)
    case blank

    var description: String {
        switch self {
        case .signal(let s): return "signal \(s.id) \(SignalMessage.encode(s).serializedText)"
        case .skipped(let r): return "skipped \(r.rawValue)"
        case .rejected(let c, let v, let r): return "rejected \(c) \"\(v)\": \(r)"
        case .blank: return "blank"
        }
    }

    var signal: Signal? { if case .signal(let s) = self { return s }; return nil }
    var reason: String? { if case .rejected(_, _, let r) = self { return r }; return nil }
}

extension JSONObject {
    var serializedText: String { JSONValue.object(self).serialized }
}

/// Every non-blank row's result, by sheet row number.
func results(of parsed: SheetParseResult) -> [Int: RowResult] {
    var out: [Int: RowResult] = [:]
    for s in parsed.signals { out[s.row] = .signal(s.signal) }
    for s in parsed.skipped { out[s.row] = .skipped(s.reason) }
    for r in parsed.rejected { out[r.row] = .rejected(column: r.column, value: r.value, reason: r.reason) }
    return out
}

/// The standard header used by single-row tests: every column under its canonical name.
let standardHeader = SheetColumn.allCases.map(\.rawValue)

/// Parses a sheet of the standard header and one row given by column.
func parseRow(_ cells: [SheetColumn: JSONValue], now: EpochMillis = testNow) -> RowResult {
    let row = SheetColumn.allCases.map { cells[$0] ?? "" }
    return parseRow(header: standardHeader.map { .string($0) }, row, now: now)
}

/// Parses a sheet of this header and one row (row 2).
func parseRow(header: [JSONValue], _ row: [JSONValue], now: EpochMillis = testNow) -> RowResult {
    let parsed = SheetParser.parse(values: [header, row], now: now)
    return results(of: parsed)[2] ?? .blank
}

/// A base `above` row to vary one column at a time.
func aboveRow(_ extra: [SheetColumn: JSONValue]) -> [SheetColumn: JSONValue] {
    var cells: [SheetColumn: JSONValue] = [.symbol: "BTCUSDT", .condition: "above", .targetPrice: 65000]
    for (k, v) in extra { cells[k] = v }
    return cells
}

/// A base `long` row to vary one column at a time.
func longRow(_ extra: [SheetColumn: JSONValue]) -> [SheetColumn: JSONValue] {
    var cells: [SheetColumn: JSONValue] = [
        .symbol: "BTCUSDT", .condition: "long", .entry: 64000, .takeProfit: "66000; 68000", .stopLoss: 62000,
    ]
    for (k, v) in extra { cells[k] = v }
    return cells
}

// MARK: - Fixtures

enum Fixture {
    /// `Tests/Fixtures/<name>`, found from this source file's path (tests run from any directory).
    static func path(_ name: String, file: String = #filePath) -> String {
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)  // SignalDomainTests/SheetTestSupport.swift
        return parts.joined(separator: "/") + "/Fixtures/" + name
    }

    static func bytes(_ name: String) -> [UInt8] {
        guard let f = fopen(path(name), "rb") else { return [] }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    static func json(_ name: String) throws -> JSONValue { try JSONValue.parse(bytes(name)) }
}
