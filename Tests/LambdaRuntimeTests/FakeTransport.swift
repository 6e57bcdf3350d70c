import Base
import CurlHTTP

/// Answers requests from a script, in order, and records them: the loop's tests need no socket.
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    typealias Step = @Sendable (HTTPRequest) throws -> HTTPResponse
    private let lock = Mutex()
    private var steps: [Step]
    private var seen: [HTTPRequest] = []

    init(_ steps: [Step]) { self.steps = steps }

    var requests: [HTTPRequest] { lock.withLock { seen } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step = lock.withLock { () -> Step? in
            seen.append(request)
            return steps.isEmpty ? nil : steps.removeFirst()
        }
        guard let step else { throw HTTPClientError(.couldNotConnect, host: "api", detail: "script exhausted") }
        return try step(request)
    }

    static func next(id: String, event: String = "{}", deadline: Int64 = 1_000_000, trace: String? = nil) -> Step {
        { _ in
            var headers = HTTPHeaders([
                ("Lambda-Runtime-Aws-Request-Id", id), ("Lambda-Runtime-Deadline-Ms", String(deadline)),
                ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:1:function:f"),
            ])
            if let trace { headers.add("Lambda-Runtime-Trace-Id", trace) }
            return HTTPResponse(status: 200, headers: headers, body: Array(event.utf8))
        }
    }

    static func status(_ code: Int) -> Step { { _ in HTTPResponse(status: code, body: Array(#"{"status":"x"}"#.utf8)) } }
    static let accepted = status(202)
    static let unreachable: Step = { _ in throw HTTPClientError(.couldNotConnect, host: "api", detail: "refused") }
}
