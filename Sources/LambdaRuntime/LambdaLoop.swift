import Base
import Logs

#if canImport(Glibc)
import Glibc
#endif

/// The Runtime API loop (SPEC §8): `/next` → handler → `/response` or `/error`, forever.
///
/// - A handler that throws is reported on `/error` and the loop goes on.
/// - A response over `maxResponseBytes` is reported as `Function.ResponseSizeTooLarge` instead of sent;
///   a 413 from `/response` (the platform's own check) is logged and the loop goes on.
/// - An unreachable API is retried `retryDelaysMs.count` times, then the loop ends with the error; so does
///   any 5xx (the API's way of saying "exit now") or an unusable `/next`.
public struct LambdaLoop: Sendable {
    /// The RIE's limit, 6 MiB + 100 bytes (notes A5).
    public static let maxResponseBytes = 6 * 1024 * 1024 + 100

    public let api: RuntimeAPIClient
    public let handler: any LambdaHandler
    public let logger: Logger
    public var clock: any WallClock = SystemClock()
    public var maxResponseBytes = LambdaLoop.maxResponseBytes
    /// Pauses before each retry of an unreachable API.
    public var retryDelaysMs = [10, 50, 250]
    /// Sets or clears `_X_AMZN_TRACE_ID`; runs on the loop's task between invocations, never while a
    /// handler runs (glibc's setenv is not safe against concurrent getenv).
    public var setTraceId: @Sendable (String?) -> Void = LambdaLoop.setTraceIdEnvironment

    public init(api: RuntimeAPIClient, handler: any LambdaHandler, logger: Logger) {
        self.api = api
        self.handler = handler
        self.logger = logger
    }

    /// Runs invocations until a fatal Runtime API failure (returned) or `maxInvocations` (nil returned).
    public func run(maxInvocations: Int? = nil) async -> RuntimeAPIError? {
        var count = 0
        while maxInvocations.map({ count < $0 }) ?? true {
            do {
                try await runOne()
            } catch {
                return error
            }
            count += 1
        }
        return nil
    }

    /// One `/next` and its answer.
    public func runOne() async throws(RuntimeAPIError) {
        let invocation = try await retrying { () async throws(RuntimeAPIError) in try await api.next() }
        setTraceId(invocation.traceId)
        let context = LambdaContext(
            requestId: invocation.requestId,
            // Lambda always sends a deadline; without one assume its 15-minute maximum.
            deadlineMs: invocation.deadlineMs ?? clock.nowMillis() + 900_000,
            invokedFunctionArn: invocation.invokedFunctionArn, traceId: invocation.traceId,
            clientContext: invocation.clientContext, cognitoIdentity: invocation.cognitoIdentity,
            logger: logger, clock: clock)
        let started = monotonicNanos()
        let result: Result<[UInt8], any Error>
        do {
            result = .success(try await handler.handle(invocation.event, context: context))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let body) where body.count > maxResponseBytes:
            let report = ErrorReport.responseTooLarge(bytes: body.count, limit: maxResponseBytes)
            context.logger.error("response too large; reported as an error", ["bytes": .int(body.count), "limit": .int(maxResponseBytes)])
            try await reportError(report, context)
        case .success(let body):
            let outcome = try await postTolerating(context) { () async throws(RuntimeAPIError) in
                try await api.sendResponse(requestId: invocation.requestId, body: body)
            }
            if outcome == .tooLarge {
                context.logger.error("the Runtime API refused the response as too large (413)", ["bytes": .int(body.count)])
            }
        case .failure(let error):
            let report = ErrorReport(error, category: .function)
            context.logger.error("invocation failed", ["errorType": .string(report.errorType), "error": .string(report.errorMessage)])
            try await reportError(report, context)
        }
        if logger.isEnabled(.debug) {
            context.logger.debug("invocation done", ["durationMs": .double(Double(monotonicNanos() - started) / 1e6)])
        }
    }

    private func reportError(_ report: ErrorReport, _ context: LambdaContext) async throws(RuntimeAPIError) {
        _ = try await postTolerating(context) { () async throws(RuntimeAPIError) -> ResponseOutcome in
            try await api.sendError(requestId: context.requestId, report: report)
            return .accepted
        }
    }

    /// Posts a result. A 4xx (wrong state, unknown id) loses only this invocation, so it is logged and the
    /// loop goes on; 5xx and an unreachable API end the loop.
    private func postTolerating(
        _ context: LambdaContext, _ post: () async throws(RuntimeAPIError) -> ResponseOutcome
    ) async throws(RuntimeAPIError) -> ResponseOutcome? {
        do {
            return try await retrying(post)
        } catch {
            if case .status(let s) = error.kind, (400..<500).contains(s) {
                context.logger.error("the Runtime API rejected the result", ["status": .int(s), "error": .string(error.detail)])
                return nil
            }
            throw error
        }
    }

    private func retrying<T>(_ call: () async throws(RuntimeAPIError) -> T) async throws(RuntimeAPIError) -> T {
        var attempt = 0
        while true {
            do {
                return try await call()
            } catch {
                guard error.isTransient, attempt < retryDelaysMs.count else {
                    if error.isTransient {
                        throw RuntimeAPIError(kind: error.kind, detail: "\(error.detail) (after \(attempt + 1) attempts)")
                    }
                    throw error
                }
                logger.warn("Runtime API call failed; retrying", ["attempt": .int(attempt + 1), "error": .string(error.detail)])
                try? await Task.sleep(nanoseconds: UInt64(retryDelaysMs[attempt]) * 1_000_000)
                attempt += 1
            }
        }
    }

    public static let setTraceIdEnvironment: @Sendable (String?) -> Void = { traceId in
        if let traceId {
            setenv("_X_AMZN_TRACE_ID", traceId, 1)
        } else {
            unsetenv("_X_AMZN_TRACE_ID")
        }
    }
}
