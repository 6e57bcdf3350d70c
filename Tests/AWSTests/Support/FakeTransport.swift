import Base
import CurlHTTP

@testable import AWS

/// An `HTTPTransport` that answers from a script and records what it was sent (no sockets).
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest, Int) throws -> HTTPResponse
    private let lock = Mutex()
    private var sent: [HTTPRequest] = []
    private let handler: Handler

    /// `handler` gets the request and its 0-based sequence number.
    init(_ handler: @escaping Handler) { self.handler = handler }

    /// Answers with the given responses in order (the last one repeats).
    convenience init(responses: [HTTPResponse]) {
        self.init { _, n in responses[min(n, responses.count - 1)] }
    }

    var requests: [HTTPRequest] { lock.withLock { sent } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let n = lock.withLock {
            sent.append(request)
            return sent.count - 1
        }
        return try handler(request, n)
    }
}

/// Records the waits a client asked for instead of sleeping.
final class SleepRecorder: @unchecked Sendable {
    private let lock = Mutex()
    private var waits: [Int64] = []
    var recorded: [Int64] { lock.withLock { waits } }
    var sleep: @Sendable (Int64) async throws -> Void { { [self] ms in lock.withLock { waits.append(ms) } } }
}

enum Fixtures {
    static let credentials = AWSCredentials(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "test-secret-not-real-0123456789",
        sessionToken: "test-session-token-not-real-abcdef")
    static let endpoint = "http://127.0.0.1:4566"

    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
        var h = HTTPHeaders(headers)
        h.add("Content-Type", "application/x-amz-json-1.0")
        if h["x-amzn-RequestId"] == nil { h.add("x-amzn-RequestId", "req-\(status)") }
        return HTTPResponse(status: status, headers: h, body: Array(body.utf8))
    }

    static func options(_ sleeper: SleepRecorder, random: Double = 0.5, remainingMs: Int64? = nil) -> AWSClientOptions {
        var remaining: (@Sendable () -> Int64?)? = nil
        if let remainingMs { remaining = { remainingMs } }
        return AWSClientOptions(
            clock: FixedClock(1_440_938_160_000), random: { random }, sleep: sleeper.sleep, remainingMs: remaining)
    }

    static func core(
        _ transport: FakeTransport, service: String = "dynamodb", prefix: String = "DynamoDB_20120810",
        sleeper: SleepRecorder = SleepRecorder(), random: Double = 0.5, remainingMs: Int64? = nil,
        quota: RetryQuota = RetryQuota()
    ) -> AWSJSONClient {
        AWSJSONClient(
            service: service, targetPrefix: prefix, endpoint: endpoint, credentials: credentials, region: "us-east-1",
            transport: transport, options: options(sleeper, random: random, remainingMs: remainingMs), quota: quota)
    }
}
