import Base
import Testing

@testable import CurlHTTP

#if canImport(Glibc)
import Glibc
#endif

private func echoRoute(_ r: TestHTTPServer.Request) -> TestHTTPServer.Reply {
    var headers: TestHTTPServer.HTTPHeaderList = [("X-Method", r.method), ("X-Path", r.path)]
    for (n, v) in r.headers { headers.append(("X-Echo-" + n, v)) }
    return .full(headers: headers, body: r.body)
}

private func elapsedMs(since start: UInt64) -> Double { Double(monotonicNanos() - start) / 1e6 }

@Suite("HTTPClient against a local server")
struct HTTPClientTests {
    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try TestHTTPServer { _ in .full(status: 201, headers: [("X-One", "1"), ("Set-Cookie", "a"), ("Set-Cookie", "b")], body: Array("hello".utf8)) }
        let client = HTTPClient()
        let response = try await client.send(HTTPRequest(url: server.url("/x?y=1")))
        #expect(response.status == 201)
        #expect(response.bodyText == "hello")
        #expect(response.headers["x-one"] == "1")
        #expect(response.headers.filter { $0.name == "Set-Cookie" }.map(\.value) == ["a", "b"])
    }

    @Test func requestHeadersRoundTripWithProductUserAgentAndNoExpect() async throws {
        let server = try TestHTTPServer(route: echoRoute)
        let client = HTTPClient()
        let big = [UInt8](repeating: 0x7A, count: 2 << 20)  // large enough that curl would normally send Expect
        let request = HTTPRequest(
            method: "PUT", url: server.url("/put"),
            headers: HTTPHeaders([("X-Custom", "v a l"), ("Content-Type", "application/json"), ("X-Empty", "")]),
            body: big)
        let response = try await client.send(request)
        #expect(response.status == 200)
        #expect(response.headers["X-Method"] == "PUT")
        #expect(response.headers["X-Echo-X-Custom"] == "v a l")
        #expect(response.headers["X-Echo-X-Empty"] == "")
        #expect(response.headers["X-Echo-Content-Type"] == "application/json")
        #expect(response.headers["X-Echo-User-Agent"] == "trading-signals/\(Product.version)")
        #expect(response.headers["X-Echo-Expect"] == nil)
        #expect(response.body == big)
    }

    @Test func postBodyIsSentAsIsWithoutAnInventedContentType() async throws {
        let server = try TestHTTPServer(route: echoRoute)
        let client = HTTPClient(configuration: .init(userAgent: "probe/1"))
        let response = try await client.send(HTTPRequest(method: "POST", url: server.url("/p"), body: Array(#"{"a":1}"#.utf8)))
        #expect(response.bodyText == #"{"a":1}"#)
        #expect(response.headers["X-Method"] == "POST")
        #expect(response.headers["X-Echo-Content-Type"] == nil)
        #expect(response.headers["X-Echo-Content-Length"] == "7")
        #expect(response.headers["X-Echo-User-Agent"] == "probe/1")
        let empty = try await client.send(HTTPRequest(method: "POST", url: server.url("/p")))
        #expect(empty.headers["X-Echo-Content-Length"] == "0")
    }

    @Test func keepAliveReusesOneConnectionAcrossCalls() async throws {
        let server = try TestHTTPServer { _ in .full(body: Array("ok".utf8)) }
        let client = HTTPClient()
        for _ in 0..<10 {
            let r = try await client.send(HTTPRequest(url: server.url("/")))
            #expect(r.bodyText == "ok")
        }
        #expect(server.requestCount == 10)
        #expect(server.acceptedConnections == 1)
    }

    @Test func requestsAreInFlightTogether() async throws {
        // The server holds every request until all n have arrived; a client that sent them one at a time
        // would leave the first one waiting until the barrier gives up.
        let n = 8
        let barrier = Barrier(count: n)
        let server = try TestHTTPServer { _ in .full(body: Array((barrier.arriveAndWait(timeoutMs: 5_000) ? "together" : "alone").utf8)) }
        let client = HTTPClient()
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<n { group.addTask { try await client.send(HTTPRequest(url: server.url("/\(i)"))).bodyText } }
            var out: [String] = []
            for try await b in group { out.append(b) }
            return out
        }
        #expect(bodies == Array(repeating: "together", count: n))
    }

    @Test func refusedConnectionIsCouldNotConnect() async throws {
        let (fd, port) = try TestHTTPServer.listen(backlog: 1)
        close(fd)  // nothing listens there now
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.kind == .couldNotConnect)
        #expect(error?.host == "127.0.0.1:\(port)")
        #expect(error?.isTransient == true)
    }

    @Test func connectTimeoutFiresWhenTheHandshakeNeverCompletes() async throws {
        // A listener whose accept queue is full: the kernel drops further SYNs, so connect() hangs.
        let (fd, port) = try TestHTTPServer.listen(backlog: 0)
        defer { close(fd) }
        var fillers: [Int32] = []
        defer { fillers.forEach { close($0) } }
        for _ in 0..<4 {
            let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fillers.append(s)
        }
        let client = HTTPClient()
        let start = monotonicNanos()
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", connectTimeoutMs: 300, timeoutMs: 60_000))
        }
        // Only the connect timeout can end it this early (the total timeout is a minute); no upper bound on
        // the elapsed time, which also counts waiting for a free thread when the whole suite runs.
        #expect(error?.kind == .timedOut)
        #expect(error?.detail.contains("Operation timed out") == false, "\(error.map { "\($0)" } ?? "")")
        #expect(elapsedMs(since: start) >= 250)
    }

    @Test func totalTimeoutFiresOnAStalledServer() async throws {
        // The server would close after 10 s (a transport error); `.timedOut` means the 300 ms limit fired first.
        let server = try TestHTTPServer { _ in .stall(ms: 10_000) }
        let client = HTTPClient()
        let start = monotonicNanos()
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPRequest(url: server.url("/slow?token=SECRET"), timeoutMs: 300))
        }
        #expect(error?.kind == .timedOut)
        #expect(elapsedMs(since: start) >= 250)
        #expect(!(error?.description.contains("SECRET") ?? true))
    }

    @Test func zeroTimeoutMeansNoLimit() async throws {
        let server = try TestHTTPServer { _ in .full(body: Array("late".utf8), delayMs: 1_200) }
        let client = HTTPClient(configuration: .init(timeoutMs: 500))
        let r = try await client.send(HTTPRequest(url: server.url("/"), timeoutMs: 0))
        #expect(r.bodyText == "late")
    }

    @Test func serverClosingMidResponseIsATransportErrorAndTheClientRecovers() async throws {
        let server = try TestHTTPServer { r in
            r.path == "/broken" ? .closeMidBody(declaredLength: 10_000, sentBytes: 100) : .full(body: Array("fine".utf8))
        }
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPRequest(url: server.url("/broken")))
        }
        #expect(error?.kind == .transport)
        let r = try await client.send(HTTPRequest(url: server.url("/ok")))
        #expect(r.bodyText == "fine")
    }

    @Test func largeBodiesArriveWhole() async throws {
        // 20 MiB of 4 KiB blocks, each stamped with its index, so a lost or reordered block shows.
        let size = 20 << 20
        var pattern: [UInt8] = []
        pattern.reserveCapacity(size)
        var block = [UInt8](repeating: 0x2E, count: 4096)
        for i in 0..<(size / 4096) {
            block[0] = UInt8(truncatingIfNeeded: i)
            block[1] = UInt8(truncatingIfNeeded: i >> 8)
            pattern += block
        }
        let body = pattern
        let server = try TestHTTPServer { _ in .full(body: body) }
        let client = HTTPClient()
        let r = try await client.send(HTTPRequest(url: server.url("/big"), maxResponseBytes: size))
        #expect(r.body.count == size)
        let same = r.body.withUnsafeBytes { a in body.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, size) == 0 } }
        #expect(same)
    }

    @Test func responsesOverTheCapFailAsTooLarge() async throws {
        let big = [UInt8](repeating: 1, count: 3 << 20)
        let server = try TestHTTPServer { r in
            r.path == "/chunked" ? .chunked(chunks: Array(repeating: [UInt8](repeating: 2, count: 64 << 10), count: 48)) : .full(body: big)
        }
        let client = HTTPClient(configuration: .init(maxResponseBytes: 1 << 20))
        for path in ["/length", "/chunked"] {
            let error = await #expect(throws: HTTPClientError.self) {
                _ = try await client.send(HTTPRequest(url: server.url(path)))
            }
            #expect(error?.kind == .responseTooLarge, "\(path)")
            #expect(error?.isTransient == false)
        }
        // The per-request cap overrides the client's.
        let r = try await client.send(HTTPRequest(url: server.url("/length"), maxResponseBytes: 4 << 20))
        #expect(r.body.count == big.count)
    }

    @Test func chunkedResponsesAreReassembled() async throws {
        let chunks = (0..<50).map { i in [UInt8](repeating: UInt8(65 + i % 26), count: 1 + i * 37) }
        let server = try TestHTTPServer { _ in .chunked(headers: [("X-Kind", "chunked")], chunks: chunks) }
        let client = HTTPClient()
        let r = try await client.send(HTTPRequest(url: server.url("/c")))
        #expect(r.body == chunks.flatMap { $0 })
        #expect(r.headers["X-Kind"] == "chunked")
    }

    @Test func errorsNameTheHostButNeverCredentialsOrQuery() async throws {
        let (fd, port) = try TestHTTPServer.listen(backlog: 1)
        close(fd)
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPRequest(url: "http://user:hunter2@127.0.0.1:\(port)/p/a?key=SECRETKEY&x=1"))
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("127.0.0.1:\(port)"))
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("SECRETKEY"))
    }

    @Test func invalidRequestsAreRejectedBeforeSending() async throws {
        let client = HTTPClient()
        for request in [
            HTTPRequest(url: "ftp://example.com/x"),
            HTTPRequest(url: "not a url"),
            HTTPRequest(url: "http://127.0.0.1:1/", headers: HTTPHeaders([("X-Bad", "a\r\nInjected: yes")])),
            HTTPRequest(method: "get me", url: "http://127.0.0.1:1/"),
        ] {
            let error = await #expect(throws: HTTPClientError.self) { _ = try await client.send(request) }
            #expect(error?.kind == .invalidRequest, "\(request.url)")
        }
    }

    @Test func aServerThatDoesNotSpeakTLSIsATLSFailure() async throws {
        // The server greets with plain HTTP, which is no TLS ServerHello.
        let server = try TestHTTPServer(greeting: Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)) { _ in .full() }
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
        }
        #expect(error?.kind == .tls)
    }

    @Test func cancellingTheTaskAbandonsTheRequestPromptly() async throws {
        // Uncancelled, the request would end after 10 s with a transport error when the server closes.
        let server = try TestHTTPServer { _ in .stall(ms: 10_000) }
        let client = HTTPClient()
        let task = Task { try await client.send(HTTPRequest(url: server.url("/hang"), timeoutMs: 0)) }
        // The cancel may land before or after the transfer reaches the engine; both paths must end it.
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test func cancellingAnInFlightRequestEndsItPromptly() async throws {
        let (arrived, signal) = AsyncStream.makeStream(of: Void.self)
        let server = try TestHTTPServer { _ in
            signal.yield()
            return .stall(ms: 10_000)  // uncancelled: a transport error after 10 s
        }
        let client = HTTPClient()
        let task = Task { try await client.send(HTTPRequest(url: server.url("/hang"), timeoutMs: 0)) }
        for await _ in arrived { break }  // the server holds the request: it is on the wire
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test func configurationReadsCABundleAndProxyFromTheEnvironment() {
        let c = HTTPClient.Configuration(environment: ["CURL_CA_BUNDLE": "/b.pem", "HTTPS_PROXY": "http://p:3128", "NO_PROXY": "localhost"])
        #expect(c.caBundlePath == "/b.pem")
        #expect(c.httpsProxy == "http://p:3128")
        #expect(c.noProxy == "localhost")
        let both = HTTPClient.Configuration(environment: ["SSL_CERT_FILE": "/a.pem", "CURL_CA_BUNDLE": "/b.pem"])
        #expect(both.caBundlePath == "/a.pem")
        #expect(HTTPClient.Configuration(environment: ["SSL_CERT_FILE": ""]).caBundlePath == nil)
        #expect(HTTPClient.Configuration.runtimeAPI.timeoutMs == 0)
        #expect(HTTPClient.Configuration.runtimeAPI.httpProxy == nil)
    }

    @Test func aMissingCABundleIsATLSErrorNotASilentFallback() async throws {
        let client = HTTPClient(configuration: .init(connectTimeoutMs: 2_000, caBundlePath: "/nonexistent/ca.pem"))
        let server = try TestHTTPServer { _ in .full() }
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
        }
        #expect(error?.kind == .tls)
    }
}

@Suite struct URLPartsTests {
    @Test func hostPortDropsUserinfoPathAndQuery() {
        #expect(URLParts.hostPort(of: "https://u:p@API.example.com:8443/a?b=c") == "api.example.com:8443")
        #expect(URLParts.hostPort(of: "http://h?x") == "h")
        #expect(URLParts.hostPort(of: "nope") == "")
        #expect(URLParts.scrub("failed for http://u:p@h/a?token=T", url: "http://u:p@h/a?token=T") == "failed for http://h/…")
    }
}
