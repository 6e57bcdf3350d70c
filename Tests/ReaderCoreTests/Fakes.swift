import Base
import Google
import OpenSSLCrypto
@testable import ReaderCore

/// A sheet served from memory, or a Google failure.
struct FakeSheet: SheetSource {
    var result: Result<SheetValues, GoogleError>
    init(_ rows: [[JSONValue]], range: String = "Signals!A1:ZZ1000") { result = .success(SheetValues(range: range, rows: rows)) }
    init(error: GoogleError) { result = .failure(error) }
    func read(deadline: EpochMillis?) async throws(GoogleError) -> SheetValues { try result.get() }
}

/// A queue that records what it accepted and fails entries as scripted.
final class FakeQueue: MessageQueue, @unchecked Sendable {
    private let lock = Mutex()
    private var _accepted: [QueueEntry] = []
    private var _batches: [[QueueEntry]] = []
    private var inFlight = 0
    private(set) var maxInFlight = 0
    /// (entry, call number) → a failure to report for it, or nil to accept.
    let fail: @Sendable (QueueEntry, Int) -> QueueEntryFailure?
    let throwing: @Sendable ([QueueEntry]) -> (any Error)?

    init(
        fail: @escaping @Sendable (QueueEntry, Int) -> QueueEntryFailure? = { _, _ in nil },
        throwing: @escaping @Sendable ([QueueEntry]) -> (any Error)? = { _ in nil }
    ) {
        self.fail = fail
        self.throwing = throwing
    }

    var accepted: [QueueEntry] { lock.withLock { _accepted } }
    var batches: [[QueueEntry]] { lock.withLock { _batches } }

    func sendBatch(_ entries: [QueueEntry]) async throws -> [QueueEntryFailure] {
        let call = lock.withLock { () -> Int in
            _batches.append(entries)
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            return _batches.count - 1
        }
        await Task.yield()
        defer { lock.withLock { inFlight -= 1 } }
        precondition(entries.count <= 10 && Set(entries.map(\.id)).count == entries.count)
        if let error = throwing(entries) { throw error }
        var failures: [QueueEntryFailure] = []
        lock.withLock {
            for e in entries {
                if let f = fail(e, call) { failures.append(f) } else { _accepted.append(e) }
            }
        }
        return failures
    }
}

struct Boom: Error, CustomStringConvertible {
    var description: String { "sqs: AccessDenied (HTTP 403): not authorized to sqs:SendMessage" }
}

func instantFanOut(_ queue: FakeQueue, rounds: Int = 3, concurrency: Int = 8) -> SignalFanOut {
    SignalFanOut(queue: queue, rounds: rounds, concurrency: concurrency, clock: FixedClock(0), random: { 0 }, sleep: { _ in })
}

enum TestKey {
    static let json: String = {
        do {
            let pem = try RSAPrivateKey.generate().pkcs8PEM()
            return JSONValue.object(JSONObject([
                ("type", "service_account"), ("private_key_id", "abc123"), ("private_key", .string(pem)),
                ("client_email", "reader@proj.iam.gserviceaccount.com"), ("token_uri", "http://127.0.0.1:1/token"),
            ])).serialized
        } catch { fatalError("\(error)") }
    }()
}
