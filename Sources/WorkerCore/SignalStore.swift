import Pushover
import SignalDomain

/// Where the worker keeps what it knows per signal (SPEC §5): the state item and the event items that
/// make notifications exactly-once. `DynamoDBSignalStore` is the real one.
public protocol SignalStore: Sendable {
    /// The stored state, read consistently; nil when the signal has none yet.
    func loadState(signalId: String) async throws -> SignalState?

    /// Many states at once (consistent reads, one request per 100 signals). An id missing from the answer
    /// was not read (throttling) and must be read on its own; a failure is that one state's (unreadable).
    func loadStates(signalIds: [String]) async throws -> [String: Result<SignalState?, any Error>]

    /// Saves `state` if the stored version is still `expecting` (nil: no state stored yet), with the
    /// permanent problem this check ran into, if any (a successful check clears an older one).
    /// Returns false when another worker saved first.
    func saveState(signalId: String, state: SignalState, expecting: Int64?, problem: SignalProblem?) async throws -> Bool

    /// Records a permanent per-signal problem on the state item (leaving the state itself alone).
    func recordProblem(signalId: String, problem: SignalProblem) async throws

    /// Claims an event before notifying: creates its item as `pending` with a lease, or reports what
    /// another delivery did with it (and takes over a pending one whose lease is older than `leaseMs`).
    func claim(signalId: String, event: EventRecord, now: EpochMillis, leaseMs: Int64) async throws -> EventClaim

    /// Marks a claimed event sent, with Pushover's receipt. Returns false if the lease was lost meanwhile.
    func markSent(signalId: String, event: EventRecord, lease: EpochMillis, receipt: PushoverReceipt, at: EpochMillis)
        async throws -> Bool

    /// Marks a claimed event failed for good (Pushover 4xx, unknown user alias).
    func markFailed(signalId: String, event: EventRecord, lease: EpochMillis, reason: String, at: EpochMillis)
        async throws -> Bool

    /// Gives a claimed event back (a transient failure) so the redelivered message may claim it at once.
    func release(signalId: String, event: EventRecord, lease: EpochMillis) async throws
}

/// What the event item records about the event (beyond its key).
public struct EventRecord: Sendable, Equatable {
    /// `EVENT#0003#tp1`
    public var sortKey: String
    public var name: String
    public var level: String
    public var priceReached: String
    public var reachedAt: EpochMillis
    /// The venue that answered, and how the recipient is named in logs (alias or shortened key).
    public var venue: String
    public var recipient: String
    public var title: String

    public init(
        sortKey: String, name: String, level: String, priceReached: String, reachedAt: EpochMillis, venue: String,
        recipient: String, title: String
    ) {
        self.sortKey = sortKey
        self.name = name
        self.level = level
        self.priceReached = priceReached
        self.reachedAt = reachedAt
        self.venue = venue
        self.recipient = recipient
        self.title = title
    }
}

/// The outcome of claiming an event.
public enum EventClaim: Sendable, Equatable {
    /// This delivery owns the event under this lease and must notify.
    case claimed(lease: EpochMillis)
    /// A previous delivery crashed or stalled holding it longer than the lease: this one notifies.
    case tookOver(lease: EpochMillis, previousLease: EpochMillis)
    /// Already notified: nothing to do.
    case alreadySent
    /// Already failed for good: nothing to do.
    case alreadyFailed
    /// Another delivery is sending it right now (lease younger than allowed): retry this message later.
    case heldElsewhere(since: EpochMillis)
}

/// A permanent per-signal problem, recorded on the state item and acknowledged (SPEC §5).
public struct SignalProblem: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case unknownSymbol = "unknown_symbol"
        case noVenue = "no_venue"
        case unknownUser = "unknown_user"
        case notificationRejected = "notification_rejected"
    }

    public var kind: Kind
    public var detail: String
    public var at: EpochMillis

    public init(kind: Kind, detail: String, at: EpochMillis) {
        self.kind = kind
        self.detail = detail
        self.at = at
    }
}
