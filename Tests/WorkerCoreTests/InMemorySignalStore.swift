import Base
import Pushover
import SignalDomain
@testable import WorkerCore

/// The signal store's contract in memory, with the same conditional semantics as the DynamoDB one,
/// counting requests the way DynamoDB would bill them.
final class InMemorySignalStore: SignalStore, @unchecked Sendable {
    struct Item: Equatable {
        var status: String
        var lease: EpochMillis
        var record: EventRecord
        var request: String?
        var failure: String?
    }

    private let lock = Mutex()
    private var states: [String: SignalState] = [:]
    private var problems: [String: SignalProblem] = [:]
    private var events: [String: [String: Item]] = [:]
    private(set) var requestCount = 0
    /// Makes the next `n` calls of any kind throw (a throttled table).
    var failNext = 0

    struct Throttled: Error {}

    private func count() throws {
        try lock.withLock {
            requestCount += 1
            if failNext > 0 {
                failNext -= 1
                throw Throttled()
            }
        }
    }

    var requests: Int { lock.withLock { requestCount } }
    func resetCount() { lock.withLock { requestCount = 0 } }
    func state(_ id: String) -> SignalState? { lock.withLock { states[id] } }
    func problem(_ id: String) -> SignalProblem? { lock.withLock { problems[id] } }
    func items(_ id: String) -> [String: Item] { lock.withLock { events[id] ?? [:] } }
    func putState(_ id: String, _ s: SignalState) { lock.withLock { states[id] = s } }
    func putItem(_ id: String, _ sk: String, _ item: Item) { lock.withLock { events[id, default: [:]][sk] = item } }

    func loadState(signalId: String) async throws -> SignalState? {
        try count()
        return lock.withLock { states[signalId] }
    }

    func loadStates(signalIds: [String]) async throws -> [String: Result<SignalState?, any Error>] {
        let ids = Array(Set(signalIds))
        for _ in stride(from: 0, to: ids.count, by: 100) { try count() }
        return lock.withLock {
            var out: [String: Result<SignalState?, any Error>] = [:]
            for id in ids { out[id] = .success(states[id]) }
            return out
        }
    }

    func saveState(signalId: String, state: SignalState, expecting: Int64?, problem: SignalProblem?) async throws -> Bool {
        try count()
        return lock.withLock {
            guard states[signalId]?.version == expecting else { return false }
            states[signalId] = state
            problems[signalId] = problem
            return true
        }
    }

    func recordProblem(signalId: String, problem: SignalProblem) async throws {
        try count()
        lock.withLock { problems[signalId] = problem }
    }

    func claim(signalId: String, event: EventRecord, now: EpochMillis, leaseMs: Int64) async throws -> EventClaim {
        try count()
        return lock.withLock {
            guard let existing = events[signalId]?[event.sortKey] else {
                events[signalId, default: [:]][event.sortKey] = Item(status: "pending", lease: now, record: event)
                return .claimed(lease: now)
            }
            requestCount += 1  // the conditional takeover / read
            switch existing.status {
            case "sent": return .alreadySent
            case "failed": return .alreadyFailed
            default:
                guard now - existing.lease >= leaseMs else { return .heldElsewhere(since: existing.lease) }
                events[signalId]![event.sortKey]!.lease = now
                return .tookOver(lease: now, previousLease: existing.lease)
            }
        }
    }

    func markSent(signalId: String, event: EventRecord, lease: EpochMillis, receipt: PushoverReceipt, at: EpochMillis)
        async throws -> Bool
    {
        try count()
        return lock.withLock {
            guard events[signalId]?[event.sortKey]?.lease == lease else { return false }
            events[signalId]![event.sortKey]!.status = "sent"
            events[signalId]![event.sortKey]!.request = receipt.request
            return true
        }
    }

    func markFailed(signalId: String, event: EventRecord, lease: EpochMillis, reason: String, at: EpochMillis)
        async throws -> Bool
    {
        try count()
        return lock.withLock {
            guard events[signalId]?[event.sortKey]?.lease == lease else { return false }
            events[signalId]![event.sortKey]!.status = "failed"
            events[signalId]![event.sortKey]!.failure = reason
            return true
        }
    }

    func release(signalId: String, event: EventRecord, lease: EpochMillis) async throws {
        try count()
        lock.withLock {
            if let item = events[signalId]?[event.sortKey], item.status == "pending", item.lease == lease {
                events[signalId]![event.sortKey] = nil
            }
        }
    }
}
