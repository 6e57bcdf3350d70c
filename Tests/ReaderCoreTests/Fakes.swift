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

/// A queue that records what it accepted and fails bodies as scripted.
final class FakeQueue: SignalQueue, @unchecked Sendable {
    private let lock = Mutex()
    private var _accepted: [String] = []
    private var _calls = 0
    let fail: @Sendable (String) -> String?

    /// `fail(body)` returns a reason to fail that body, or nil to accept it.
    init(fail: @escaping @Sendable (String) -> String? = { _ in nil }) { self.fail = fail }

    var accepted: [String] { lock.withLock { _accepted } }
    var calls: Int { lock.withLock { _calls } }

    func enqueue(_ bodies: [String]) async -> [EnqueueResult] {
        lock.withLock {
            _calls += 1
            return bodies.map { b in
                if let reason = fail(b) { return .failed(reason: reason) }
                _accepted.append(b)
                return .sent
            }
        }
    }
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
