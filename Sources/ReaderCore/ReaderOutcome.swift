import SignalDomain

/// What a run did, and the response JSON of SPEC §2.
public struct ReaderOutcome: Sendable {
    public let run: RunInfo
    public let parsed: SheetParseResult
    /// Valid signals that are not on the queue, in row order.
    public let failures: [EnqueueFailure]

    public var rowsRead: Int { parsed.rowsRead }
    public var enqueued: Int { parsed.signals.count - failures.count }
    public var isComplete: Bool { failures.isEmpty }

    /// Rejections as reported: a value in the user column that looks like a Pushover key is shortened,
    /// so a mistyped key does not end up whole in logs and results.
    public var rejected: [RowRejection] {
        parsed.rejected.map { r in
            guard r.column == .user, ReaderOutcome.looksLikeKey(r.value) else { return r }
            return RowRejection(row: r.row, column: r.column, value: String(r.value.prefix(4)) + "…", reason: r.reason)
        }
    }

    static func looksLikeKey(_ s: String) -> Bool {
        s.count >= 16 && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// `{"run":{"id","time"},"rows":N,"enqueued":N,"skipped":[{"row","reason"}],"rejected":[{"row","column","value","reason"}]}`
    public var summary: JSONValue {
        .object(JSONObject([
            ("run", run.json),
            ("rows", .int(rowsRead)),
            ("enqueued", .int(enqueued)),
            ("skipped", parsed.skippedJSON),
            ("rejected", .array(rejected.map(\.json))),
        ]))
    }

    /// The error for an incomplete fan-out: how many signals are missing, which rows, and why.
    public var enqueueError: ReaderError? {
        guard !failures.isEmpty else { return nil }
        let total = parsed.signals.count
        let failed = failures
        var reasons: [String: [Int]] = [:]
        for f in failed { reasons[f.reason, default: []].append(f.row) }
        let detail = reasons.sorted { $0.value.first ?? 0 < $1.value.first ?? 0 }.prefix(3).map { reason, rows in
            let shown = rows.prefix(10).map(String.init).joined(separator: ", ") + (rows.count > 10 ? ", …" : "")
            return "row\(rows.count == 1 ? "" : "s") \(shown): \(reason)"
        }.joined(separator: "; ") + (reasons.count > 3 ? "; and \(reasons.count - 3) other reasons, see the log" : "")
        return ReaderError(
            .enqueueFailed,
            "\(failed.count) of \(total) valid signals could not be put on the SQS queue (\(detail)); "
                + "\(enqueued) were enqueued. Those signals are not checked this hour; the next run sends them again")
    }
}

public struct EnqueueFailure: Sendable, Equatable {
    public let row: Int
    public let reason: String
}
