import Base
import Logs
import MarketData
import Pushover
import SignalDomain

/// One invocation's work: decode every record and read the batch's states at once; then, per venue, prepare
/// each record (exchange time, window), fetch the candles each (symbol, interval) needs once for all its
/// records, then evaluate, notify exactly once and save state per record.
final class Invocation: Sendable {
    let handler: WorkerHandler
    let deadlineMs: EpochMillis
    let logger: Logger
    let feed: MarketFeed
    let pushover: PushoverClient
    let counts = WorkerCounts()
    /// Records not started when less than this remains are left for redelivery (SPEC §5).
    let cutoffMs: Int64
    private let notices = Notices()

    init(handler: WorkerHandler, deadlineMs: EpochMillis, logger: Logger) {
        self.handler = handler
        self.deadlineMs = deadlineMs
        self.logger = logger
        let pacing = handler.pacing(deadlineMs: deadlineMs)
        feed = handler.feed(pacing: pacing)
        pushover = handler.pushover(pacing: pacing)
        // The function's timeout is not told to the runtime; the time left at the start stands in for it.
        let remaining = deadlineMs - handler.clock.nowMillis()
        cutoffMs = max(5_000, remaining / 10)
    }

    var store: any SignalStore { handler.store }
    var remainingMs: Int64 { deadlineMs - handler.clock.nowMillis() }

    /// The message ids to retry.
    func run(_ records: [SQSRecord]) async -> [String] {
        var failures: [String] = []
        var decoded: [Decoded] = []
        for record in records {
            if let d = decode(record) { decoded.append(d) } else { failures.append(record.messageId) }
        }
        // Every state in one read (per 100), then each venue's records on their own: a slow or failing
        // venue delays only its own signals, never the rest of the batch.
        let states = await preloadStates(decoded)
        let byVenue = Dictionary(grouping: decoded) { $0.message.signal.venue }
        await withTaskGroup(of: [String].self) { group in
            for (_, items) in byVenue { group.addTask { await self.run(venueRecords: items, states: states) } }
            for await venueFailures in group { failures += venueFailures }
        }
        let failed = Set(failures)
        return records.map(\.messageId).filter { failed.contains($0) }
    }

    /// One venue's records: exchange time, state and window for each, then the candles each (symbol, interval)
    /// needs once for all of them, then evaluation, notification and state per record. Returns the ids to retry.
    private func run(venueRecords decoded: [Decoded], states: [String: Result<SignalState?, any Error>]) async -> [String] {
        var failures: [String] = []
        let stages = await boundedMap(decoded, limit: handler.concurrency) { d in await self.prepare(d, states: states) }
        var prepared: [Prepared] = []
        for (d, stage) in zip(decoded, stages) {
            switch stage {
            case .finished(let retry): if retry { failures.append(d.record.messageId) }
            case .prepared(let p): prepared.append(p)
            }
        }
        let ranges = CandleRanges(prepared)
        let outcomes = await boundedMap(prepared, limit: handler.concurrency) { p in await self.finish(p, ranges: ranges) }
        for (p, retry) in zip(prepared, outcomes) where retry { failures.append(p.record.messageId) }
        return failures
    }

    // MARK: - Phase 1: message, exchange time, state, window

    struct Decoded: Sendable {
        let record: SQSRecord
        let message: SignalMessage
        let log: Logger
    }

    struct Prepared: Sendable {
        let record: SQSRecord
        let message: SignalMessage
        let state: SignalState?
        let time: VenueTime
        let window: CheckWindow
        let log: Logger
    }

    enum Stage: Sendable {
        case finished(retry: Bool)
        case prepared(Prepared)
    }

    func tooLate(_ record: SQSRecord, _ log: Logger) -> Bool {
        guard remainingMs < cutoffMs else { return false }
        log.warn(
            "not started: too close to the deadline, left for redelivery",
            ["messageId": .string(record.messageId), "remainingMs": .int(remainingMs)])
        return true
    }

    /// The message, or nil when the record must be retried (too late) or can never be processed.
    func decode(_ record: SQSRecord) -> Decoded? {
        if tooLate(record, logger) { return nil }
        let message: SignalMessage
        do {
            message = try SignalMessage(body: record.body)
        } catch {
            // Never processable: fail it every time so SQS moves it to the dead-letter queue.
            logger.error(
                "malformed message, left for the dead-letter queue",
                [
                    "messageId": .string(record.messageId), "error": .string(error.description),
                    "receiveCount": record.receiveCount.map { JSONValue.int($0) } ?? .null,
                ])
            return nil
        }
        let signal = message.signal
        var fields: [(String, JSONValue)] = [
            ("messageId", .string(record.messageId)), ("signal", .string(signal.id)), ("symbol", .string(signal.symbol)),
            ("venue", .string(signal.venue.rawValue)), ("condition", .string(signal.condition.rawValue)),
        ]
        if let row = message.sheet?.row { fields.append(("sheetRow", .int(row))) }
        return Decoded(record: record, message: message, log: logger.with(fields: fields))
    }

    /// The states of the batch's signals in one read; empty when that read fails (each record then reads
    /// its own and fails on its own).
    func preloadStates(_ decoded: [Decoded]) async -> [String: Result<SignalState?, any Error>] {
        guard decoded.count > 1 else { return [:] }
        do {
            return try await store.loadStates(signalIds: decoded.map(\.message.signal.id))
        } catch {
            logger.warn("could not read the batch's states at once; reading them one by one", ["error": .string(String(describing: error))])
            return [:]
        }
    }

    func prepare(_ d: Decoded, states: [String: Result<SignalState?, any Error>]) async -> Stage {
        let (record, message, log) = (d.record, d.message, d.log)
        if tooLate(record, log) { return .finished(retry: true) }
        let signal = message.signal
        let time: VenueTime
        do {
            time = try await feed.now(signal.venue)
        } catch {
            return .finished(retry: await marketFailure(error, signal: signal, log: log, window: nil))
        }
        if let expires = signal.expires, time.now >= expires {
            log.info("skipped", ["decision": "expired"])
            return .finished(retry: false)
        }
        let state: SignalState?
        do {
            if let preloaded = states[signal.id] {
                state = try preloaded.get()
            } else {
                state = try await store.loadState(signalId: signal.id)
            }
        } catch {
            log.error("could not read the signal's state; will retry", ["error": .string(String(describing: error))])
            return .finished(retry: true)
        }
        let window = CheckWindow.for(signal: signal, state: state, now: time.now)
        return .prepared(Prepared(record: record, message: message, state: state, time: time, window: window, log: log))
    }

    // MARK: - Phase 2: candles, evaluation, notifications, state

    /// Returns true when the message must be retried.
    func finish(_ p: Prepared, ranges: CandleRanges) async -> Bool {
        if tooLate(p.record, p.log) { return true }
        var state = p.state
        var window = p.window
        var useRanges: CandleRanges? = ranges
        // A concurrent delivery may save first: evaluate again from its state (events stay exactly-once).
        for _ in 0..<3 {
            switch await check(p, state: state, window: window, ranges: useRanges) {
            case .done: return false
            case .retry: return true
            case .conflict:
                do {
                    state = try await store.loadState(signalId: p.message.signal.id)
                } catch {
                    p.log.error("could not read the signal's state; will retry", ["error": .string(String(describing: error))])
                    return true
                }
                window = CheckWindow.for(signal: p.message.signal, state: state, now: p.time.now)
                useRanges = nil
            }
        }
        p.log.warn("state kept changing under this delivery; will retry")
        return true
    }

    enum CheckResult {
        case done, retry, conflict
    }

    func check(_ p: Prepared, state: SignalState?, window: CheckWindow, ranges: CandleRanges?) async -> CheckResult {
        let signal = p.message.signal
        let windowText = JSONValue.string(UTCTime.format(window.start) + "/" + UTCTime.format(window.end))
        var log = p.log.with(["window": windowText])

        // Candles for every segment of the window, from the batch-wide ranges when possible.
        var candles: [Candle] = []
        var answered = signal.venue
        for segment in window.segments {
            let range = ranges?.range(
                venue: signal.venue, market: signal.market, interval: segment.interval, from: segment.from,
                until: segment.until) ?? (segment.from, segment.until)
            do {
                let answer = try await feed.candles(
                    signal.venue, signal.market, interval: segment.interval, from: range.0, until: range.1)
                answered = answer.answeredVenue
                noteFallback(answer, log: log)
                let all = answer.series.candles
                if let first = all.first, let last = all.last, first.openTime >= segment.from, last.openTime < segment.until {
                    // The whole series: share it rather than copy a day of candles per signal.
                    if candles.isEmpty { candles = all } else { candles += all }
                } else {
                    candles += all.filter { $0.openTime >= segment.from && $0.openTime < segment.until }
                }
            } catch {
                return await marketFailure(error, signal: signal, log: log, window: windowText) ? .retry : .done
            }
        }
        if answered != signal.venue { log = log.with(["answeredBy": .string(answered.rawValue)]) }

        let evaluation: Evaluation
        let checkTime = p.message.run?.time
        if answered.hasSecondCandles {
            let feed = self.feed
            let market = signal.market
            evaluation = await Evaluator.evaluate(
                signal: signal, state: state, candles: candles, now: p.time.now, checkTime: checkTime,
                fetchDetail: { minute in await feed.secondCandles(answered, market, minute: minute) ?? [] })
        } else {
            evaluation = Evaluator.evaluate(
                signal: signal, state: state, candles: candles, now: p.time.now, checkTime: checkTime, detail: .unavailable)
        }
        counts.signalEvaluated()
        if let skipped = evaluation.skipped {
            log.info("skipped", ["decision": .string(skipped.rawValue)])
            return .done
        }

        let current = candles.last?.close
        var sent: [JSONValue] = []
        var problem: SignalProblem?
        for event in evaluation.events {
            switch await deliver(event, signal: signal, venue: answered, currentPrice: current ?? event.priceReached, log: log) {
            case .done(let note, let p):
                sent.append(.string(event.key + ": " + note))
                problem = p ?? problem
            case .retry: return .retry
            }
        }

        guard let newState = evaluation.newState else {
            log.info("checked", ["decision": "nothing to store", "candles": .int(candles.count)])
            return .done
        }
        do {
            let saved = try await store.saveState(
                signalId: signal.id, state: newState, expecting: SignalState.expectedVersion(before: state),
                problem: problem)
            guard saved else {
                log.info("state changed meanwhile; evaluating again")
                return .conflict
            }
        } catch {
            log.error("could not save the signal's state; will retry", ["error": .string(String(describing: error))])
            return .retry
        }
        log.info(
            "checked",
            [
                "decision": .string(evaluation.events.isEmpty ? "quiet" : "fired"), "events": .array(sent),
                "candles": .int(candles.count),
            ])
        return .done
    }

    // MARK: - Exactly-once delivery

    enum Delivery {
        /// Handled (sent now, sent before, or failed for good), with a word for the log and the permanent
        /// problem to record with the state.
        case done(String, SignalProblem?)
        case retry
    }

    func deliver(_ event: SignalEvent, signal: Signal, venue: Venue, currentPrice: Price, log: Logger) async -> Delivery {
        let log = log.with(["event": .string(event.key), "sk": .string(event.sortKey)])
        let userKey: String?
        var userProblem: String?
        do {
            userKey = try handler.users.resolve(signal.user)
        } catch {
            userKey = nil
            userProblem = error.description
        }
        let message = userKey.map {
            handler.builder.message(signal: signal, event: event, currentPrice: currentPrice, venue: venue, userKey: $0)
        }
        let record = EventRecord(
            sortKey: event.sortKey, name: event.kind.name, level: event.level.text, priceReached: event.priceReached.text,
            reachedAt: event.reachedAt, venue: venue.rawValue, recipient: PushoverUsers.redacted(signal.user),
            title: message?.title ?? NotificationText.compose(signal: signal, event: event, currentPrice: currentPrice).title)

        let lease: EpochMillis
        do {
            let now = handler.clock.nowMillis()
            switch try await store.claim(signalId: signal.id, event: record, now: now, leaseMs: WorkerHandler.leaseMs) {
            case .alreadySent:
                log.info("event already notified", ["decision": "duplicate"])
                return .done("already sent", nil)
            case .alreadyFailed:
                return .done("failed before", nil)
            case .heldElsewhere(let since):
                log.warn("event is being notified by another delivery; will retry", ["leaseAt": .int(since)])
                return .retry
            case .claimed(let l):
                lease = l
            case .tookOver(let l, let previous):
                log.warn("took over an event left pending by an earlier delivery", ["previousLeaseAt": .int(previous)])
                lease = l
            }
        } catch {
            log.error("could not record the event; will retry", ["error": .string(String(describing: error))])
            return .retry
        }
        counts.eventFired()

        guard let message, let userKey else {
            let why = userProblem ?? "no recipient"
            log.error("notification not sent: \(why)", ["decision": "failed"])
            counts.notificationFailed()
            return await fail(signal, record, lease, why, .unknownUser, log)
        }
        _ = userKey
        do throws(PushoverError) {
            let receipt = try await pushover.send(message)
            if receipt.dryRun {
                log.info(
                    "notification (dry run, not sent)",
                    [
                        "title": .string(message.title), "message": .string(message.message),
                        "priority": .int(message.priority), "recipient": .string(record.recipient),
                    ])
            }
            let at = handler.clock.nowMillis()
            do {
                if try await !store.markSent(signalId: signal.id, event: record, lease: lease, receipt: receipt, at: at) {
                    log.warn("the event's lease was taken over while sending; it may be notified twice")
                }
            } catch {
                // Sent, but not recorded: a redelivery will take the pending event over after the lease.
                log.error("notification sent but not recorded", ["error": .string(String(describing: error))])
            }
            counts.notificationSent()
            log.info(
                receipt.dryRun ? "notification recorded (dry run)" : "notification sent",
                ["request": .string(receipt.request), "recipient": .string(record.recipient)])
            return .done(receipt.dryRun ? "dry run" : "sent", nil)
        } catch {
            switch error.kind {
            case .rejected:
                log.error(
                    "Pushover rejected the notification; not retried",
                    ["error": .string(error.description), "recipient": .string(record.recipient)])
                counts.notificationFailed()
                return await fail(signal, record, lease, error.description, .notificationRejected, log)
            case .quotaExhausted:
                log.error("Pushover monthly message quota exhausted; left for redelivery", ["error": .string(error.description)])
            case .unavailable:
                log.warn("Pushover unavailable; will retry", ["error": .string(error.description)])
            }
            do {
                try await store.release(signalId: signal.id, event: record, lease: lease)
            } catch {
                log.warn("could not release the event (a redelivery takes it over after the lease)")
            }
            return .retry
        }
    }

    func fail(
        _ signal: Signal, _ record: EventRecord, _ lease: EpochMillis, _ why: String, _ kind: SignalProblem.Kind,
        _ log: Logger
    ) async -> Delivery {
        let at = handler.clock.nowMillis()
        do {
            _ = try await store.markFailed(signalId: signal.id, event: record, lease: lease, reason: why, at: at)
        } catch {
            log.error("could not record the failure; will retry", ["error": .string(String(describing: error))])
            return .retry
        }
        return .done("failed", SignalProblem(kind: kind, detail: why, at: at))
    }

    // MARK: - Market data problems

    /// Logs a market-data failure and records a permanent one. Returns true when the message must be retried.
    func marketFailure(_ error: any Error, signal: Signal, log: Logger, window: JSONValue?) async -> Bool {
        guard let e = error as? MarketFeedError else {
            log.error("market data failed; will retry", ["error": .string(String(describing: error))])
            return true
        }
        for attempt in e.attempts where attempt.kind == .blocked { noteBlocked(attempt, log: log) }
        guard e.isPermanent else {
            log.warn("market data unavailable; will retry", ["error": .string(e.description), "window": window ?? .null])
            return true
        }
        let unknown = e.attempts.first?.kind == .unknownSymbol
        let kind: SignalProblem.Kind = unknown ? .unknownSymbol : .noVenue
        log.error(
            unknown ? "the exchange does not list this symbol; not retried" : "no exchange answered for this symbol; not retried",
            ["decision": .string(kind.rawValue), "error": .string(e.description)])
        do {
            try await store.recordProblem(
                signalId: signal.id, problem: SignalProblem(kind: kind, detail: e.description, at: handler.clock.nowMillis()))
        } catch {
            log.error("could not record the problem; will retry", ["error": .string(String(describing: error))])
            return true
        }
        return false
    }

    func noteFallback(_ answer: FeedAnswer, log: Logger) {
        for passed in answer.passedOver {
            if passed.kind == .blocked { noteBlocked(passed, log: log) }
        }
        guard answer.usedFallback, notices.first("fallback:\(answer.requestedVenue):\(answer.answeredVenue)") else { return }
        logger.warn(
            "\(answer.requestedVenue.displayName) did not answer; using \(answer.answeredVenue.displayName) (FALLBACK_EXCHANGES)",
            [
                "requestedVenue": .string(answer.requestedVenue.rawValue), "answeredBy": .string(answer.answeredVenue.rawValue),
                "passedOver": .array(answer.passedOver.map { .string($0.description) }),
            ])
    }

    func noteBlocked(_ e: MarketDataError, log: Logger) {
        guard notices.first("blocked:\(e.venue)") else { return }
        logger.error(
            "\(e.venue.displayName) refuses this region (HTTP \(e.status.map(String.init) ?? "?")): a deployment problem; "
                + "run the worker in a region the exchange serves, or set FALLBACK_EXCHANGES",
            ["venue": .string(e.venue.rawValue), "status": e.status.map { JSONValue.int($0) } ?? .null, "detail": .string(e.detail)])
    }
}

/// For each (venue, market, interval): the spans covering the records' windows, overlapping windows merged,
/// so one fetch serves every signal on that market (hourly checks all overlap in the last hour), while a
/// signal last checked days ago does not stretch everyone's fetch back to its window.
struct CandleRanges: Sendable {
    struct Key: Hashable {
        let venue: Venue
        let market: MarketSymbol
        let interval: CandleInterval
    }

    private var spans: [Key: [(from: EpochMillis, until: EpochMillis)]] = [:]

    init(_ prepared: [Invocation.Prepared]) {
        var raw: [Key: [(from: EpochMillis, until: EpochMillis)]] = [:]
        for p in prepared {
            for s in p.window.segments {
                raw[Key(venue: p.message.signal.venue, market: p.message.signal.market, interval: s.interval), default: []]
                    .append((s.from, s.until))
            }
        }
        for (key, ranges) in raw {
            var merged: [(from: EpochMillis, until: EpochMillis)] = []
            for r in ranges.sorted(by: { $0.from < $1.from }) {
                if let last = merged.last, r.from <= last.until {
                    merged[merged.count - 1].until = max(last.until, r.until)
                } else {
                    merged.append(r)
                }
            }
            spans[key] = merged
        }
    }

    /// The merged span holding [from, until), if any.
    func range(venue: Venue, market: MarketSymbol, interval: CandleInterval, from: EpochMillis, until: EpochMillis)
        -> (EpochMillis, EpochMillis)?
    {
        guard let list = spans[Key(venue: venue, market: market, interval: interval)] else { return nil }
        return list.first { $0.from <= from && until <= $0.until }.map { ($0.from, $0.until) }
    }
}

/// Log-once bookkeeping for one invocation.
final class Notices: @unchecked Sendable {
    private let lock = Mutex()
    private var seen = Set<String>()
    func first(_ key: String) -> Bool { lock.withLock { seen.insert(key).inserted } }
}

extension Logger {
    func with(fields: [(String, JSONValue)]) -> Logger {
        var l = self
        for (k, v) in fields { l = l.with([k: v]) }
        return l
    }
}
