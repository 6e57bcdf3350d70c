/// A flat, lossless attribute map for the state item. Numbers are integers (times in epoch ms, counts);
/// prices are strings so their exact text survives (a DynamoDB `N` would be re-normalised by the
/// service). The worker maps `.string` to `S` and `.number` to `N` and adds its own keys (`PK`, `SK`,
/// errors); decoding ignores keys it does not know.
extension SignalState {
    public static let schemaVersion = 1

    public var attributes: [String: JSONValue] {
        var a: [String: JSONValue] = [
            "schema": .int(SignalState.schemaVersion),
            "version": .int(version),
            "fingerprint": .string(fingerprint),
            "arming": .int(arming),
            "cycle": .int(cycle),
            "first_checked_at": .int(firstCheckedAt),
            "last_checked_at": .int(lastCheckedAt),
            "fire_count": .int(fireCount),
        ]
        switch phase {
        case .level(.watching):
            a["phase"] = "watching"
        case .level(.fired(let at)):
            a["phase"] = "fired"
            a["phase_at"] = .int(at)
        case .trade(.waitingForEntry):
            a["phase"] = "waiting_for_entry"
        case .trade(.inTrade(let hit)):
            a["phase"] = "in_trade"
            a["tps_hit"] = .int(hit)
        case .trade(.closed(let at, let bySL)):
            a["phase"] = "closed"
            a["phase_at"] = .int(at)
            a["closed_by"] = .string(bySL ? "sl" : "tp")
        }
        if let reference { a["reference"] = .string(reference.text) }
        if let seen {
            a["seen_open_time"] = .int(seen.openTime)
            a["seen_high"] = .string(seen.high.text)
            a["seen_low"] = .string(seen.low.text)
            a["seen_close"] = .string(seen.close.text)
        }
        if let lastReachedAt { a["last_reached_at"] = .int(lastReachedAt) }
        if let lastFiredCheck { a["last_fired_check"] = .int(lastFiredCheck) }
        return a
    }

    public init(attributes a: [String: JSONValue]) throws(SignalStateDecodingError) {
        let r = AttributeReader(a)
        let schema = try r.int("schema")
        guard schema == SignalState.schemaVersion else {
            throw SignalStateDecodingError(field: "schema", problem: "unknown schema \(schema)")
        }
        let phase: Phase
        switch try r.string("phase") {
        case "watching": phase = .level(.watching)
        case "fired": phase = .level(.fired(reachedAt: try r.int64("phase_at")))
        case "waiting_for_entry": phase = .trade(.waitingForEntry)
        case "in_trade": phase = .trade(.inTrade(takeProfitsHit: try r.int("tps_hit")))
        case "closed":
            let by = try r.string("closed_by")
            guard by == "sl" || by == "tp" else {
                throw SignalStateDecodingError(field: "closed_by", problem: "expected sl or tp")
            }
            phase = .trade(.closed(reachedAt: try r.int64("phase_at"), byStopLoss: by == "sl"))
        case let other:
            throw SignalStateDecodingError(field: "phase", problem: "unknown phase \(other)")
        }
        var seen: SeenCandle?
        if a["seen_open_time"] != nil {
            seen = SeenCandle(
                openTime: try r.int64("seen_open_time"), high: try r.price("seen_high"), low: try r.price("seen_low"),
                close: try r.price("seen_close"))
        }
        self.init(
            version: try r.int64("version"), fingerprint: try r.string("fingerprint"), arming: try r.int("arming"),
            phase: phase, cycle: try r.int("cycle"), reference: try r.optionalPrice("reference"),
            firstCheckedAt: try r.int64("first_checked_at"), lastCheckedAt: try r.int64("last_checked_at"),
            seen: seen, fireCount: try r.int("fire_count"), lastReachedAt: try r.optionalInt64("last_reached_at"),
            lastFiredCheck: try r.optionalInt64("last_fired_check"))
    }
}

/// A stored state item that cannot be read back: which attribute and why.
public struct SignalStateDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let problem: String
    public var description: String { "signal state attribute \(field): \(problem)" }
}

private struct AttributeReader {
    let a: [String: JSONValue]
    init(_ a: [String: JSONValue]) { self.a = a }

    func value(_ k: String) throws(SignalStateDecodingError) -> JSONValue {
        guard let v = a[k], !v.isNull else { throw SignalStateDecodingError(field: k, problem: "missing") }
        return v
    }

    func string(_ k: String) throws(SignalStateDecodingError) -> String {
        guard let s = try value(k).stringValue else { throw SignalStateDecodingError(field: k, problem: "not a string") }
        return s
    }

    func int64(_ k: String) throws(SignalStateDecodingError) -> Int64 {
        let v = try value(k)
        // Accept a number or its text: DynamoDB `N` values arrive as strings in its JSON protocol.
        guard let i = v.numberText.flatMap({ Int64($0) }) ?? v.stringValue.flatMap({ Int64($0) }) else {
            throw SignalStateDecodingError(field: k, problem: "not an integer")
        }
        return i
    }

    func int(_ k: String) throws(SignalStateDecodingError) -> Int {
        let v = try int64(k)
        guard let i = Int(exactly: v) else { throw SignalStateDecodingError(field: k, problem: "out of range") }
        return i
    }

    func price(_ k: String) throws(SignalStateDecodingError) -> Price {
        let v = try value(k)
        guard let p = (v.stringValue ?? v.numberText).flatMap({ Price($0) }) else {
            throw SignalStateDecodingError(field: k, problem: "not a decimal")
        }
        return p
    }

    func optionalPrice(_ k: String) throws(SignalStateDecodingError) -> Price? {
        guard let v = a[k], !v.isNull else { return nil }
        return try price(k)
    }

    func optionalInt64(_ k: String) throws(SignalStateDecodingError) -> Int64? {
        guard let v = a[k], !v.isNull else { return nil }
        return try int64(k)
    }
}
