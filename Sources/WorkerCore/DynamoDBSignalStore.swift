import AWS
import Pushover
import SignalDomain

/// The signal store in one DynamoDB table with String keys `PK`/`SK` (SPEC §5):
///
/// - `PK = SIGNAL#<id>`, `SK = STATE`: `SignalState.attributes` (prices as strings, times/counts as numbers)
///   and, after a permanent problem, `problem`, `problem_detail`, `problem_at`. Written with a condition on
///   `version`, so two workers never both advance the same state.
/// - `SK = EVENT#<arming>#<event>`: `status` pending/sent/failed, `lease_at` (ms), the event's level and
///   price, Pushover's `request`/`receipt`, and `expires_at` (TTL, epoch seconds, 90 days after sending).
///
/// A quiet signal costs two requests: one consistent `GetItem`, one conditional `PutItem`.
public struct DynamoDBSignalStore: SignalStore {
    let db: DynamoDBClient
    let table: String
    /// Event items are kept this long after they were sent (or failed).
    public static let retentionSeconds: Int64 = 90 * 86_400

    public init(db: DynamoDBClient, table: String) {
        self.db = db
        self.table = table
    }

    static func pk(_ signalId: String) -> AttributeValue { .s("SIGNAL#" + signalId) }

    func key(_ signalId: String, _ sk: String) -> DynamoDBItem { ["PK": Self.pk(signalId), "SK": .s(sk)] }

    // MARK: - State

    public func loadState(signalId: String) async throws -> SignalState? {
        guard let item = try await db.getItem(table: table, key: key(signalId, "STATE"), consistentRead: true) else {
            return nil
        }
        return try Self.state(from: item)
    }

    public func loadStates(signalIds: [String]) async throws -> [String: Result<SignalState?, any Error>] {
        let ids = Array(Set(signalIds))
        guard !ids.isEmpty else { return [:] }
        let result = try await db.batchGetItem([table: ids.map { key($0, "STATE") }], consistentRead: true)
        var out: [String: Result<SignalState?, any Error>] = [:]
        for id in ids { out[id] = .success(nil) }
        for item in result.items[table] ?? [] {
            guard let pk = item["PK"]?.stringValue, pk.hasPrefix("SIGNAL#") else { continue }
            let id = String(pk.dropFirst("SIGNAL#".count))
            out[id] = Result { try Self.state(from: item) }
        }
        for key in result.unprocessedKeys[table] ?? [] {
            if let pk = key["PK"]?.stringValue, pk.hasPrefix("SIGNAL#") { out[String(pk.dropFirst("SIGNAL#".count))] = nil }
        }
        return out
    }

    static func state(from item: DynamoDBItem) throws -> SignalState? {
        // An item holding only a recorded problem (no evaluation yet) has no state.
        guard item["version"] != nil else { return nil }
        var attributes: [String: JSONValue] = [:]
        for (name, value) in item {
            switch value {
            case .s(let s): attributes[name] = .string(s)
            case .n(let n): attributes[name] = .number(n)
            default: continue
            }
        }
        return try SignalState(attributes: attributes)
    }

    public func saveState(signalId: String, state: SignalState, expecting: Int64?, problem: SignalProblem?) async throws
        -> Bool
    {
        var item = key(signalId, "STATE")
        for (name, value) in state.attributes {
            switch value {
            case .string(let s): item[name] = .s(s)
            case .number(let n): item[name] = .n(n)
            case .bool(let b): item[name] = .bool(b)
            case .null, .array, .object: continue
            }
        }
        item["updated_at"] = .int(state.lastCheckedAt)
        if let problem {
            for (name, value) in Self.problemAttributes(problem) { item[name] = value }
        }
        let condition: String
        var values: DynamoDBItem = [:]
        if let expecting {
            condition = "#v = :expected"
            values[":expected"] = .int(expecting)
        } else {
            condition = "attribute_not_exists(#v)"
        }
        do {
            try await db.putItem(table: table, item: item, condition: condition, names: ["#v": "version"], values: values)
            return true
        } catch is ConditionalCheckFailed {
            return false
        }
    }

    public func recordProblem(signalId: String, problem: SignalProblem) async throws {
        let a = Self.problemAttributes(problem)
        try await db.updateItem(
            table: table, key: key(signalId, "STATE"), update: "SET #p = :k, #pd = :d, #pt = :t",
            names: ["#p": "problem", "#pd": "problem_detail", "#pt": "problem_at"],
            values: [":k": a["problem"]!, ":d": a["problem_detail"]!, ":t": a["problem_at"]!])
    }

    static func problemAttributes(_ problem: SignalProblem) -> DynamoDBItem {
        ["problem": .s(problem.kind.rawValue), "problem_detail": .s(String(problem.detail.prefix(1000))), "problem_at": .int(problem.at)]
    }

    // MARK: - Events

    public func claim(signalId: String, event: EventRecord, now: EpochMillis, leaseMs: Int64) async throws -> EventClaim {
        var item = key(signalId, event.sortKey)
        item["status"] = "pending"
        item["lease_at"] = .int(now)
        item["created_at"] = .int(now)
        item["event"] = .s(event.name)
        item["level"] = .s(event.level)
        item["price_reached"] = .s(event.priceReached)
        item["reached_at"] = .int(event.reachedAt)
        item["venue"] = .s(event.venue)
        item["recipient"] = .s(event.recipient)
        item["title"] = .s(event.title)
        // Abandoned pending items expire too.
        item["expires_at"] = .int(now / 1000 + Self.retentionSeconds)
        let existing: DynamoDBItem
        do {
            try await db.putItem(
                table: table, item: item, condition: "attribute_not_exists(PK)", returnOldItemOnConditionFailure: true)
            return .claimed(lease: now)
        } catch let failed as ConditionalCheckFailed {
            if let old = failed.item {
                existing = old
            } else if let old = try await db.getItem(table: table, key: key(signalId, event.sortKey), consistentRead: true) {
                existing = old
            } else {
                // Deleted (released) in between: claim again.
                return try await claim(signalId: signalId, event: event, now: now, leaseMs: leaseMs)
            }
        }
        switch existing["status"]?.stringValue {
        case "sent": return .alreadySent
        case "failed": return .alreadyFailed
        default:
            let lease = existing["lease_at"]?.int64Value ?? 0
            guard now - lease >= leaseMs else { return .heldElsewhere(since: lease) }
            do {
                try await db.updateItem(
                    table: table, key: key(signalId, event.sortKey), update: "SET #l = :now, #to = :old",
                    condition: "#s = :pending AND #l = :old", names: ["#s": "status", "#l": "lease_at", "#to": "taken_over"],
                    values: [":now": .int(now), ":old": .int(lease), ":pending": "pending"])
                return .tookOver(lease: now, previousLease: lease)
            } catch is ConditionalCheckFailed {
                // Someone else took it over (or finished) first.
                return .heldElsewhere(since: now)
            }
        }
    }

    public func markSent(
        signalId: String, event: EventRecord, lease: EpochMillis, receipt: PushoverReceipt, at: EpochMillis
    ) async throws -> Bool {
        var values: DynamoDBItem = [
            ":sent": "sent", ":lease": .int(lease), ":at": .int(at), ":ttl": .int(at / 1000 + Self.retentionSeconds),
            ":request": .s(receipt.request), ":dry": .bool(receipt.dryRun),
        ]
        var update = "SET #s = :sent, #at = :at, #ttl = :ttl, #rq = :request, #dry = :dry"
        var names = ["#at": "sent_at", "#ttl": "expires_at", "#rq": "request", "#dry": "dry_run"]
        if let r = receipt.receipt {
            update += ", #rc = :receipt"
            names["#rc"] = "receipt"
            values[":receipt"] = .s(r)
        }
        return try await finish(signalId, event, lease, update, names, values)
    }

    public func markFailed(signalId: String, event: EventRecord, lease: EpochMillis, reason: String, at: EpochMillis)
        async throws -> Bool
    {
        try await finish(
            signalId, event, lease, "SET #s = :failed, #at = :at, #ttl = :ttl, #why = :why",
            ["#at": "failed_at", "#ttl": "expires_at", "#why": "failure"],
            [
                ":failed": "failed", ":lease": .int(lease), ":at": .int(at),
                ":ttl": .int(at / 1000 + Self.retentionSeconds), ":why": .s(String(reason.prefix(1000))),
            ])
    }

    /// Every attribute goes through a name placeholder: several (`status`, `request`…) are DynamoDB
    /// reserved words.
    private func finish(
        _ signalId: String, _ event: EventRecord, _ lease: EpochMillis, _ update: String, _ names: [String: String],
        _ values: DynamoDBItem
    ) async throws -> Bool {
        var allNames = names
        allNames["#s"] = "status"
        allNames["#l"] = "lease_at"
        do {
            try await db.updateItem(
                table: table, key: key(signalId, event.sortKey), update: update, condition: "#l = :lease",
                names: allNames, values: values)
            return true
        } catch is ConditionalCheckFailed {
            return false
        }
    }

    public func release(signalId: String, event: EventRecord, lease: EpochMillis) async throws {
        do {
            try await db.deleteItem(
                table: table, key: key(signalId, event.sortKey), condition: "#s = :pending AND #l = :lease",
                names: ["#s": "status", "#l": "lease_at"], values: [":pending": "pending", ":lease": .int(lease)])
        } catch is ConditionalCheckFailed {
            // Taken over meanwhile: it is someone else's now.
        }
    }
}
