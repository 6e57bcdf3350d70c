import Base
import Logs

/// What a handler knows about the invocation it is serving (from the `/next` response headers, SPEC §8).
public struct LambdaContext: Sendable {
    public let requestId: String
    /// When Lambda will stop the invocation, epoch milliseconds (`Lambda-Runtime-Deadline-Ms`).
    public let deadlineMs: EpochMillis
    public let invokedFunctionArn: String
    /// X-Ray trace header (`Lambda-Runtime-Trace-Id`); also in `_X_AMZN_TRACE_ID` while the handler runs.
    public let traceId: String?
    /// Mobile SDK client context JSON, when the caller sent one.
    public let clientContext: String?
    /// Cognito identity JSON, when present.
    public let cognitoIdentity: String?
    /// The function's logger with this invocation's `requestId` on every line.
    public let logger: Logger
    let clock: any WallClock

    public init(
        requestId: String, deadlineMs: EpochMillis, invokedFunctionArn: String, traceId: String? = nil,
        clientContext: String? = nil, cognitoIdentity: String? = nil, logger: Logger, clock: any WallClock = SystemClock()
    ) {
        self.requestId = requestId
        self.deadlineMs = deadlineMs
        self.invokedFunctionArn = invokedFunctionArn
        self.traceId = traceId
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.logger = logger.with(requestId: requestId)
        self.clock = clock
    }

    /// Milliseconds left before the deadline (negative once past it). Stop starting new work when this
    /// gets small (SPEC §8).
    public func remainingMillis() -> Int64 { deadlineMs - clock.nowMillis() }
}
