import AWS
import Base
import CurlHTTP
import LambdaRuntime
import Logs
import MarketData
import Pushover
import SignalDomain

/// The worker Lambda's handler (SPEC §5): an SQS event in, `{"batchItemFailures":[…]}` out with exactly
/// the messages to retry. Each record is processed on its own; candles are fetched once per venue,
/// symbol and window across the batch.
public final class WorkerHandler: LambdaHandler, Sendable {
    let store: any SignalStore
    let transport: any HTTPTransport
    let venueURLs: [Venue: String]
    let fallbacks: [Venue]
    let pushoverURL: String
    let pushoverToken: String
    let dryRun: Bool
    let users: PushoverUsers
    let builder: NotificationBuilder
    let concurrency: Int
    let clock: any WallClock
    let random: @Sendable () -> Double
    let sleep: @Sendable (Int64) async -> Void
    /// Per-venue "not before" times (429/418), kept across invocations of this process.
    let gates = VenueGates()
    let metricsSink: Metrics?

    /// Pending events younger than this belong to a delivery still at work (SPEC §5).
    static let leaseMs: Int64 = 60_000
    /// Time kept back from market data and Pushover retries for saving state and answering.
    static let reserveMs: Int64 = 2_000

    public convenience init(configuration c: WorkerConfiguration, http: HTTPClient.Configuration, logger: Logger) {
        let client = HTTPClient(configuration: http)
        let db = DynamoDBClient(configuration: c.aws, transport: client)
        self.init(
            store: DynamoDBSignalStore(db: db, table: c.tableName), transport: client, configuration: c,
            metrics: Metrics(logger: logger, function: "worker"))
    }

    init(
        store: any SignalStore, transport: any HTTPTransport, configuration c: WorkerConfiguration, metrics: Metrics?,
        clock: any WallClock = SystemClock(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Int64) async -> Void = { ms in
            if ms > 0 { try? await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000) }
        }
    ) {
        self.store = store
        self.transport = transport
        venueURLs = c.venueURLs
        fallbacks = c.fallbacks
        pushoverURL = c.pushoverURL
        pushoverToken = c.pushoverToken
        dryRun = c.dryRun
        users = c.users
        builder = NotificationBuilder(configuration: c)
        concurrency = c.concurrency
        self.clock = clock
        self.random = random
        self.sleep = sleep
        metricsSink = metrics
    }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let json: JSONValue
        do {
            json = try JSONValue.parse(event)
        } catch {
            throw InvalidEvent(reason: "\(error)")
        }
        let records: [SQSRecord]
        do {
            records = try SQSEvent.records(json)
        } catch {
            throw InvalidEvent(reason: "\(error)")
        }
        let response = await AWSDeadline.withDeadline(context.deadlineMs) {
            await handle(records: records, deadlineMs: context.deadlineMs, logger: context.logger)
        }
        return response.serializedBytes
    }

    /// Processes the records and answers with the ones to retry.
    func handle(records: [SQSRecord], deadlineMs: EpochMillis, logger: Logger) async -> JSONValue {
        let invocation = Invocation(handler: self, deadlineMs: deadlineMs, logger: logger)
        let failures = await invocation.run(records)
        let retried = Set(failures).count
        metricsSink?.with(logger: logger).emit(invocation.counts.metrics(retried: retried))
        logger.info(
            "batch done",
            ["records": .int(records.count), "retry": .int(retried), "acknowledged": .int(records.count - retried)])
        return SQSEvent.response(failures: failures)
    }

    // MARK: - Per invocation

    func pacing(deadlineMs: EpochMillis) -> Pacing {
        let clock = self.clock
        return Pacing(
            remainingMs: { deadlineMs - clock.nowMillis() - WorkerHandler.reserveMs }, sleep: sleep, random: random)
    }

    func feed(pacing: Pacing) -> MarketFeed {
        var sources: [Venue: any MarketDataSource] = [:]
        for venue in Venue.allCases {
            let url = venueURLs[venue] ?? WorkerConfiguration.defaultURLs[venue]!
            switch venue {
            case .binance:
                sources[venue] = VenueMarketData(
                    api: BinanceAPI(baseURL: url), transport: transport, clock: clock, pacing: pacing, gate: gates[venue])
            case .coinbase:
                sources[venue] = VenueMarketData(
                    api: CoinbaseAPI(baseURL: url), transport: transport, clock: clock, pacing: pacing, gate: gates[venue])
            case .bybit:
                sources[venue] = VenueMarketData(
                    api: BybitAPI(baseURL: url), transport: transport, clock: clock, pacing: pacing, gate: gates[venue])
            }
        }
        return MarketFeed(sources: sources, fallbacks: fallbacks)
    }

    func pushover(pacing: Pacing) -> PushoverClient {
        PushoverClient(apiURL: pushoverURL, token: pushoverToken, transport: transport, pacing: pacing, dryRun: dryRun)
    }
}
