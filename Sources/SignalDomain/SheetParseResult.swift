/// What the reader learns from one sheet (SPEC §2): the valid signals to enqueue, the rows it skipped
/// and the rows it rejected. Every non-blank data row lands in exactly one of the three lists, so
/// `rowsRead == signals.count + skipped.count + rejected.count`; blank rows appear nowhere, not even
/// in `rowsRead`.
public struct SheetParseResult: Sendable, Equatable {
    public var rowsRead = 0
    public var signals: [SheetSignal] = []
    public var skipped: [SkippedRow] = []
    public var rejected: [RowRejection] = []

    public init() {}
}

/// A valid, active, unexpired signal and the sheet row it came from.
public struct SheetSignal: Sendable, Equatable {
    public let row: Int
    public let signal: Signal

    public init(row: Int, signal: Signal) {
        self.row = row
        self.signal = signal
    }
}

public struct SkippedRow: Sendable, Equatable {
    public enum Reason: String, Sendable {
        case inactive, expired
    }

    public let row: Int
    public let reason: Reason

    public init(row: Int, reason: Reason) {
        self.row = row
        self.reason = reason
    }

    /// `{"row": 5, "reason": "inactive"}`
    public var json: JSONValue { ["row": .int(row), "reason": .string(reason.rawValue)] }
}

/// A row that cannot become a signal, with what the trader must fix. Every rejection names a column
/// (canonical name, e.g. `target_price`) and the value as written (cut to 100 characters; `""` when
/// the cell is blank).
public struct RowRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public let row: Int
    public let column: SheetColumn
    public let value: String
    public let reason: String

    public init(row: Int, column: SheetColumn, value: String, reason: String) {
        self.row = row
        self.column = column
        self.value = value
        self.reason = reason
    }

    /// `{"row": 6, "column": "target_price", "value": "abc", "reason": "not a number"}`
    public var json: JSONValue {
        ["row": .int(row), "column": .string(column.rawValue), "value": .string(value), "reason": .string(reason)]
    }

    /// For log lines: `row 6, target_price "abc": not a number`.
    public var description: String {
        "row \(row), \(column.rawValue) \"\(value)\": \(reason)"
    }
}

extension SheetParseResult {
    /// The `skipped` and `rejected` arrays of the reader's response, in row order.
    public var skippedJSON: JSONValue { .array(skipped.map(\.json)) }
    public var rejectedJSON: JSONValue { .array(rejected.map(\.json)) }
}
