import CurlHTTP
import SignalDomain

/// A transport that answers from a closure and records every request (no sockets).
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    private let lock = Mutex()
    private var log: [HTTPRequest] = []
    private let handler: @Sendable (HTTPRequest, Int) throws -> HTTPResponse

    /// `handler` gets the request and how many requests to that path came before it (0 = first).
    init(_ handler: @escaping @Sendable (HTTPRequest, Int) throws -> HTTPResponse) {
        self.handler = handler
    }

    var requests: [HTTPRequest] { lock.withLock { log } }
    var urls: [String] { requests.map(\.url) }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let n: Int = lock.withLock {
            let path = FakeTransport.path(request.url)
            let c = log.filter { FakeTransport.path($0.url) == path }.count
            log.append(request)
            return c
        }
        return try handler(request, n)
    }

    static func path(_ url: String) -> String {
        let noQuery = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        return noQuery
    }

    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
        var h = HTTPHeaders([("Content-Type", "application/json"), ("Date", "Wed, 25 Nov 2026 20:00:07 GMT")])
        for (n, v) in headers { h.add(n, v) }
        return HTTPResponse(status: status, headers: h, body: Array(body.utf8))
    }
}

/// The query parameters of a URL.
func query(_ url: String) -> [String: String] {
    guard let q = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
    var out: [String: String] = [:]
    for pair in q.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1)
        out[String(kv[0])] = kv.count > 1 ? String(kv[1]).replacingOccurrences("%3A", ":") : ""
    }
    return out
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}

/// Pacing for tests: records sleeps, advances a fixed clock instead of sleeping, fixed jitter.
final class TestPacing: @unchecked Sendable {
    let clock: FixedClock
    private let lock = Mutex()
    private var slept: [Int64] = []
    var budgetMs: Int64

    init(clock: FixedClock, budgetMs: Int64 = 60_000) {
        self.clock = clock
        self.budgetMs = budgetMs
    }

    var sleeps: [Int64] { lock.withLock { slept } }

    var pacing: Pacing {
        let start = clock.nowMillis()
        return Pacing(
            remainingMs: { [self] in budgetMs - (clock.nowMillis() - start) },
            sleep: { [self] ms in
                lock.withLock { slept.append(ms) }
                clock.advance(by: ms)
            },
            random: { 0.5 })
    }
}

/// 2026-11-25T20:00:00Z
let runTime: EpochMillis = 1_795_636_800_000
let btcusdt = MarketSymbol(base: "BTC", quote: "USDT")
