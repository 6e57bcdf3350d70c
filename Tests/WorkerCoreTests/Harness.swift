import Base
import LambdaRuntime
import Logs
import SignalDomain
@testable import WorkerCore

/// 2026-11-25T20:00:00Z, an hourly run.
let t0: EpochMillis = 1_795_636_800_000
let hour: EpochMillis = 3_600_000
let minute: EpochMillis = 60_000

/// A worker wired to a fake world and an in-memory store, with a clock that sleeping advances.
struct Harness {
    let world: FakeWorld
    let store = InMemorySignalStore()
    let clock: FixedClock
    let logs = LogCapture()
    let handler: WorkerHandler
    let token = randomKey("a")
    let userKey = randomKey("u")
    let aliceKey = randomKey("u")

    init(now: EpochMillis = t0 + 5_000, environment extra: [String: String] = [:]) throws {
        world = FakeWorld(now: now)
        clock = FixedClock(now)
        var env: [String: String] = [
            "DYNAMODB_TABLE_NAME": "signals", "TRADING_ALERT_PUSHOVER_API_TOKEN": token, "PUSHOVER_USER_KEY": userKey,
            "PUSHOVER_USERS": #"{"alice":"\#(aliceKey)"}"#, "AWS_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": randomKey("AKIA"), "AWS_SECRET_ACCESS_KEY": randomKey("s"),
            "BINANCE_API_URL": "http://binance.test", "COINBASE_API_URL": "http://coinbase.test",
            "BYBIT_API_URL": "http://bybit.test", "PUSHOVER_API_URL": "http://pushover.test",
        ]
        for (k, v) in extra { env[k] = v }
        let configuration = try WorkerConfiguration(environment: Environment(env))
        let logger = Logger(output: logs, clock: clock)
        let clock = self.clock
        handler = WorkerHandler(
            store: store, transport: world, configuration: configuration,
            metrics: Metrics(logger: logger, function: "worker"), clock: clock, random: { 0.5 },
            sleep: { ms in clock.advance(by: ms) })
    }

    /// Advances both the exchanges' clock and the worker's.
    func advance(_ ms: EpochMillis) {
        world.now += ms
        clock.advance(by: ms)
    }

    /// Runs one invocation with these (messageId, body) records; returns the message ids to retry.
    @discardableResult
    func invoke(_ records: [(String, String)], timeoutMs: Int64 = 60_000) async throws -> [String] {
        var list: [JSONValue] = []
        for (id, body) in records {
            list.append([
                "messageId": .string(id), "receiptHandle": .string("rh-" + id), "body": .string(body),
                "attributes": ["ApproximateReceiveCount": "1"], "eventSource": "aws:sqs",
            ])
        }
        let event: JSONValue = ["Records": .array(list)]
        let logger = Logger(output: logs, clock: clock)
        let context = LambdaContext(
            requestId: "req-\(clock.nowMillis())", deadlineMs: clock.nowMillis() + timeoutMs,
            invokedFunctionArn: "arn:aws:lambda:eu-west-1:000000000000:function:worker", logger: logger, clock: clock)
        let response = try JSONValue.parse(try await handler.handle(event.serializedBytes, context: context))
        return (response["batchItemFailures"]?.arrayValue ?? []).compactMap { $0["itemIdentifier"]?.stringValue }
    }

    func records() throws -> [JSONValue] { try logs.records() }
}

func body(_ signal: Signal, runTime: EpochMillis = t0) -> String {
    SignalMessage(run: .init(id: "run-\(runTime)", time: runTime), sheet: .init(id: "sheet", row: 2), signal: signal).body
}

func signal(
    _ id: String, _ condition: Condition, venue: Venue = .binance, symbol: String = "BTCUSDT", target: String? = nil,
    entry: String? = nil, tps: [String] = [], sl: String? = nil, repeatMode: Repeat = .once, user: String? = nil,
    note: String? = nil
) -> Signal {
    Signal(
        id: id, venue: venue, market: MarketSymbol(parsing: symbol)!, condition: condition, targetPrice: target.flatMap(Price.init),
        entry: entry.flatMap(Price.init), takeProfits: tps.compactMap(Price.init), stopLoss: sl.flatMap(Price.init),
        user: user, repeatMode: repeatMode, note: note)
}
