import Base
import CurlHTTP
import Logs
import Testing

@testable import LambdaRuntime

/// The loop's decisions against a scripted transport; the real wire is covered by Tests/e2e/test_runtime_loop.py.
@Suite struct LambdaLoopTests {
    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }

    let echo = ClosureHandler { event, _ in event }

    func loop(_ transport: FakeTransport, handler: any LambdaHandler, capture: LogCapture = LogCapture()) -> LambdaLoop {
        var loop = LambdaLoop(
            api: RuntimeAPIClient(endpoint: "api", transport: transport), handler: handler,
            logger: Logger(output: capture, clock: FixedClock(0)))
        loop.retryDelaysMs = [0, 0, 0]
        loop.setTraceId = { _ in }
        return loop
    }

    @Test func successPostsTheHandlersBytes() async {
        let t = FakeTransport([FakeTransport.next(id: "r1", event: #"{"a":1}"#), FakeTransport.accepted])
        #expect(await loop(t, handler: echo).run(maxInvocations: 1) == nil)
        #expect(t.requests.map(\.url).last == "http://api/2018-06-01/runtime/invocation/r1/response")
        #expect(t.requests.last?.body == Array(#"{"a":1}"#.utf8))
    }

    @Test func aThrowingHandlerIsReportedAndTheLoopGoesOn() async throws {
        let t = FakeTransport([
            FakeTransport.next(id: "r1"), FakeTransport.accepted, FakeTransport.next(id: "r2"), FakeTransport.accepted,
        ])
        let handler = ClosureHandler { _, ctx in
            if ctx.requestId == "r1" { throw Boom() }
            return Array("ok".utf8)
        }
        let capture = LogCapture()
        #expect(await loop(t, handler: handler, capture: capture).run(maxInvocations: 2) == nil)
        let urls = t.requests.map(\.url)
        #expect(urls[1].hasSuffix("/invocation/r1/error"))
        #expect(urls[3].hasSuffix("/invocation/r2/response"))
        #expect(try JSONValue.parse(t.requests[1].body) == ["errorMessage": "boom", "errorType": "Boom"])
        let logged = try capture.records().first { $0["level"] == "ERROR" }
        #expect(logged?["requestId"] == "r1")
    }

    @Test func unreachableIsRetriedThenFatal() async {
        let t = FakeTransport([FakeTransport.unreachable, FakeTransport.unreachable, FakeTransport.next(id: "r1"), FakeTransport.accepted])
        #expect(await loop(t, handler: echo).run(maxInvocations: 1) == nil)
        let dead = FakeTransport(Array(repeating: FakeTransport.unreachable, count: 10))
        let error = await loop(dead, handler: echo).run()
        #expect(error?.kind == .unreachable)
        #expect(dead.requests.count == 4)
        #expect(error?.description.contains("after 4 attempts") == true)
    }

    @Test func a5xxEndsTheLoopWithoutRetrying() async {
        let t = FakeTransport([FakeTransport.status(500)])
        let error = await loop(t, handler: echo).run()
        #expect(error?.kind == .status(500))
        #expect(t.requests.count == 1)
    }

    @Test func a4xxOnPostLosesOnlyThatInvocation() async {
        let t = FakeTransport([FakeTransport.next(id: "r1"), FakeTransport.status(403), FakeTransport.next(id: "r2"), FakeTransport.accepted])
        #expect(await loop(t, handler: echo).run(maxInvocations: 2) == nil)
        #expect(t.requests.count == 4)
    }

    @Test func oversizedResponsesBecomeAnErrorAnd413IsSurvived() async throws {
        let t = FakeTransport([
            FakeTransport.next(id: "big"), FakeTransport.accepted, FakeTransport.next(id: "r2"), FakeTransport.status(413),
            FakeTransport.next(id: "r3"), FakeTransport.accepted,
        ])
        let handler = ClosureHandler { _, ctx in
            ctx.requestId == "big" ? [UInt8](repeating: 0x20, count: 101) : Array("{}".utf8)
        }
        var l = loop(t, handler: handler)
        l.maxResponseBytes = 100
        #expect(await l.run(maxInvocations: 3) == nil)
        #expect(t.requests[1].url.hasSuffix("/invocation/big/error"))
        #expect(t.requests[1].headers["Lambda-Runtime-Function-Error-Type"] == "Function.ResponseSizeTooLarge")
        #expect(t.requests[5].url.hasSuffix("/invocation/r3/response"))
    }

    @Test func contextAndTraceIdComeFromTheHeaders() async {
        let t = FakeTransport([
            FakeTransport.next(id: "r1", deadline: 5_000, trace: "Root=1-a"), FakeTransport.accepted,
            FakeTransport.next(id: "r2"), FakeTransport.accepted,
        ])
        let traces = Mutex()
        nonisolated(unsafe) var seen: [String?] = []
        let handler = ClosureHandler { _, ctx in
            Array("\(ctx.requestId) \(ctx.deadlineMs) \(ctx.remainingMillis()) \(ctx.traceId ?? "-") \(ctx.invokedFunctionArn)".utf8)
        }
        var l = loop(t, handler: handler)
        l.clock = FixedClock(1_000)
        l.setTraceId = { id in traces.withLock { seen.append(id) } }
        #expect(await l.run(maxInvocations: 2) == nil)
        #expect(String(decoding: t.requests[1].body, as: UTF8.self) == "r1 5000 4000 Root=1-a arn:aws:lambda:us-east-1:1:function:f")
        #expect(traces.withLock { seen } == ["Root=1-a", nil])
    }

    @Test func aNextWithoutRequestIdIsFatal() async {
        let t = FakeTransport([{ _ in HTTPResponse(status: 200, body: []) }])
        #expect(await loop(t, handler: echo).run()?.kind == .malformed)
    }
}
