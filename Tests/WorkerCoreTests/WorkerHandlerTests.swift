import Base
import SignalDomain
import Testing
@testable import WorkerCore

@Suite struct WorkerHandlerTests {
    /// First check at t0, then the hour after with one wick to 151 (close back at 100).
    func wickHour(_ h: Harness, symbol: String = "binance:BTCUSDT") {
        h.world.script(symbol, at: t0 + 17 * minute, ("100", "151", "99.9", "100.1"))
    }

    @Test func aWickOnlyCrossingFiresOnceAndNotAgain() async throws {
        let h = try Harness()
        let s = signal("sig-1", .above, target: "150", note: "breakout")
        #expect(try await h.invoke([("m1", body(s))]).isEmpty)
        #expect(h.world.messages.isEmpty)
        #expect(h.store.state("sig-1") != nil)

        wickHour(h)
        h.advance(hour)
        #expect(try await h.invoke([("m2", body(s, runTime: t0 + hour))]).isEmpty)
        let sent = h.world.messages
        #expect(sent.count == 1)
        let m = try #require(sent.first)
        #expect(m["title"]?.contains("above 150") == true)
        #expect(m["message"]?.contains("151") == true && m["message"]?.contains("breakout") == true)
        #expect(m["user"] == h.userKey && m["token"] == h.token)
        #expect(m["priority"] == "2" && m["retry"] == "30" && m["expire"] == "3600" && m["sound"] == "persistent")
        #expect(m["timestamp"] == String((t0 + 17 * minute) / 1000))
        #expect(m["url"] == "https://www.binance.com/en/trade/BTC_USDT")
        #expect(h.store.items("sig-1").values.map(\.status) == ["sent"])

        // The next hour, still above (a `once` signal): nothing.
        h.world.script("binance:BTCUSDT", at: t0 + hour + 30 * minute, ("150", "160", "150", "155"))
        h.advance(hour)
        #expect(try await h.invoke([("m3", body(s, runTime: t0 + 2 * hour))]).isEmpty)
        #expect(h.world.messages.count == 1)
    }

    @Test func aVenueThatDoesNotAnswerHoldsUpOnlyItsOwnSignals() async throws {
        let h = try Harness()
        h.world.hold("bybit")
        // Safety net only: if the Binance signal waited for Bybit, nothing would ever release it.
        let net = Task {
            try? await Task.sleep(nanoseconds: 10_000_000_000)
            h.world.release(by: "timeout")
        }
        defer { net.cancel() }
        let fires = signal("sig-fast", .above, target: "50")  // already past at the first check: fires now
        let quiet = signal("sig-slow", .above, venue: .bybit, target: "1000")
        #expect(try await h.invoke([("m1", body(quiet)), ("m2", body(fires))]).isEmpty)
        #expect(h.world.releaseReason == "notification", "the Binance alert went out while Bybit was still silent")
        #expect(h.world.messages.count == 1)
    }

    @Test func theSameDeliveryTwiceNotifiesOnce() async throws {
        let h = try Harness()
        let s = signal("sig-2", .above, target: "150")
        try await h.invoke([("m1", body(s))])
        wickHour(h)
        h.advance(hour)
        let b = body(s, runTime: t0 + hour)
        #expect(try await h.invoke([("m2", b)]).isEmpty)
        #expect(try await h.invoke([("m2", b)]).isEmpty)
        #expect(h.world.messages.count == 1)
    }

    @Test func twoCopiesInOneBatchNotifyOnce() async throws {
        let h = try Harness()
        let s = signal("sig-3", .above, target: "150")
        try await h.invoke([("m1", body(s))])
        wickHour(h)
        h.advance(hour)
        let b = body(s, runTime: t0 + hour)
        let retry = try await h.invoke([("a", b), ("b", b)])
        #expect(h.world.messages.count == 1)
        // Whichever copy lost the race either saw it sent or is retried; a retry then does nothing.
        h.advance(2 * minute)
        for id in retry { #expect(try await h.invoke([(id, b)]).isEmpty) }
        #expect(h.world.messages.count == 1)
    }

    @Test func aQuietSignalCostsTwoStoreRequests() async throws {
        let h = try Harness()
        let s = signal("sig-4", .above, target: "150")
        try await h.invoke([("m1", body(s))])
        h.advance(hour)
        h.store.resetCount()
        #expect(try await h.invoke([("m2", body(s, runTime: t0 + hour))]).isEmpty)
        #expect(h.store.requests == 2)
    }

    @Test func candlesAreFetchedOncePerSymbolForTheWholeBatch() async throws {
        let h = try Harness()
        let signals = (0..<10).map { signal("many-\($0)", .above, target: String(150 + $0)) }
        try await h.invoke(signals.enumerated().map { ("m\($0.offset)", body($0.element)) })
        h.advance(hour)
        h.world.clearLog()
        h.store.resetCount()
        try await h.invoke(signals.enumerated().map { ("n\($0.offset)", body($0.element, runTime: t0 + hour)) })
        #expect(h.world.requests(containing: "/api/v3/klines") == 1)
        #expect(h.world.requests(containing: "/api/v3/time") == 1)
        // One read for the batch's states, one conditional write each.
        #expect(h.store.requests == 11)
    }

    @Test func aBadBodyFailsAloneAndItsNeighboursSucceed() async throws {
        let h = try Harness()
        let good = signal("sig-5", .above, target: "99")
        let retry = try await h.invoke([
            ("ok-1", body(good)), ("bad-json", "this is not json"), ("bad-version", #"{"version":99,"signal":{"id":"x"}}"#),
            ("no-id", #"{"version":1,"signal":{"exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"1"}}"#),
        ])
        #expect(Set(retry) == ["bad-json", "bad-version", "no-id"])
        #expect(h.world.messages.count == 1)  // 99 is already below the current high: fires at the first check
        let errors = try h.records().filter { $0["level"]?.stringValue == "ERROR" }
        #expect(errors.filter { $0["message"]?.stringValue?.contains("malformed") == true }.count == 3)
    }

    @Test func anExchange500FailsOnlyThatMessageAndTheAlertFiresOnceAfterRedelivery() async throws {
        let h = try Harness()
        let btc = signal("btc", .above, target: "150")
        let eth = signal("eth", .above, symbol: "ETHUSDT", target: "150")
        try await h.invoke([("b1", body(btc)), ("e1", body(eth))])
        wickHour(h)
        h.world.script("binance:ETHUSDT", at: t0 + 20 * minute, ("100", "155", "99", "100"))
        h.advance(hour)
        h.world.failExchange("binance", symbol: "ETHUSDT", status: 500, body: #"{"code":-1000,"msg":"An unknown error occurred"}"#, times: 3)
        let retry = try await h.invoke([("b2", body(btc, runTime: t0 + hour)), ("e2", body(eth, runTime: t0 + hour))])
        #expect(retry == ["e2"])
        #expect(h.world.messages.count == 1)
        h.advance(minute)
        #expect(try await h.invoke([("e2", body(eth, runTime: t0 + hour))]).isEmpty)
        #expect(h.world.messages.count == 2)
        #expect(h.world.messages.filter { $0["title"]?.contains("ETHUSDT") == true }.count == 1)
    }

    @Test func pushover500ThenSuccessDeliversExactlyOne() async throws {
        let h = try Harness()
        let s = signal("sig-6", .above, target: "150")
        try await h.invoke([("m1", body(s))])
        wickHour(h)
        h.advance(hour)
        // Three 500s: the in-invocation retries (≥ 5 s apart) are used up, the message is retried.
        for _ in 0..<3 { h.world.failPushover(500, body: "Internal Server Error") }
        let b = body(s, runTime: t0 + hour)
        #expect(try await h.invoke([("m2", b)]) == ["m2"])
        #expect(h.world.messages.isEmpty)
        #expect(h.store.items("sig-6").isEmpty)  // released for the redelivery
        h.advance(minute)
        #expect(try await h.invoke([("m2", b)]).isEmpty)
        #expect(h.world.messages.count == 1)
    }

    @Test func pushover500IsRetriedInProcessAfterFiveSeconds() async throws {
        let h = try Harness()
        let s = signal("sig-7", .above, target: "99")
        h.world.failPushover(503, body: "busy")
        let before = h.clock.nowMillis()
        #expect(try await h.invoke([("m1", body(s))]).isEmpty)
        #expect(h.world.messages.count == 1)
        #expect(h.clock.nowMillis() - before >= 5_000)
    }

    @Test func anInvalidUserIsRecordedAndNotRetried() async throws {
        let h = try Harness()
        h.world.failPushover(400, body: #"{"user":"invalid","errors":["user identifier is invalid"],"status":0,"request":"r"}"#)
        let s = signal("sig-8", .above, target: "99")
        #expect(try await h.invoke([("m1", body(s))]).isEmpty)
        #expect(h.store.items("sig-8").values.map(\.status) == ["failed"])
        #expect(h.store.problem("sig-8")?.kind == .notificationRejected)
        let text = h.logs.lines.joined(separator: "\n")
        #expect(!text.contains(h.userKey) && !text.contains(h.token))
        #expect(text.contains("user identifier is invalid"))
        // Redelivery does not try again.
        #expect(try await h.invoke([("m1", body(s))]).isEmpty)
        #expect(h.world.messages.isEmpty)
    }

    @Test func anUnknownAliasIsAPermanentProblem() async throws {
        let h = try Harness()
        let s = signal("sig-9", .above, target: "99", user: "bob")
        #expect(try await h.invoke([("m1", body(s))]).isEmpty)
        #expect(h.store.problem("sig-9")?.kind == .unknownUser)
        #expect(h.world.messages.isEmpty)
        let alice = signal("sig-10", .above, target: "99", user: "alice")
        #expect(try await h.invoke([("m2", body(alice))]).isEmpty)
        #expect(h.world.messages.first?["user"] == h.aliceKey)
    }

    @Test func anUnknownSymbolIsRecordedAndAcknowledged() async throws {
        let h = try Harness()
        let s = signal("sig-11", .above, symbol: "NOPEUSDT", target: "1")
        #expect(try await h.invoke([("m1", body(s))]).isEmpty)
        #expect(h.store.problem("sig-11")?.kind == .unknownSymbol)
        #expect(h.store.state("sig-11") == nil)
    }

    @Test func aGeoBlockedVenueFallsBackToTheNextOne() async throws {
        let h = try Harness(environment: ["FALLBACK_EXCHANGES": "coinbase,bybit"])
        h.world.failExchange(
            "binance", status: 451,
            body: #"{"code":0,"msg":"Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms."}"#,
            times: 100)
        let s = signal("sig-12", .above, target: "99")
        #expect(try await h.invoke([("m1", body(s))]).isEmpty)
        let m = try #require(h.world.messages.first)
        #expect(m["title"]?.contains("BTC-USDT") == true && m["title"]?.contains("Coinbase") == true)
        #expect(m["url"] == "https://exchange.coinbase.com/trade/BTC-USDT")
        let records = try h.records()
        #expect(records.contains { $0["level"]?.stringValue == "ERROR" && $0["message"]?.stringValue?.contains("Binance refuses this region") == true })
        #expect(records.contains { $0["answeredBy"]?.stringValue == "coinbase" })
        #expect(h.world.requests(containing: "binance") == 1)
    }

    @Test func aPendingEventIsTakenOverOnlyAfterTheLease() async throws {
        let h = try Harness()
        let s = signal("sig-13", .above, target: "99")
        // A previous delivery claimed the first check's event, then died before sending.
        let sk = SignalEvent.sortKey(arming: 1, key: "above")
        let record = EventRecord(sortKey: sk, name: "above", level: "99", priceReached: "100.5", reachedAt: t0, venue: "binance", recipient: "default", title: "")
        h.store.putItem("sig-13", sk, .init(status: "pending", lease: h.clock.nowMillis() - 10_000, record: record))
        #expect(try await h.invoke([("m1", body(s))]) == ["m1"])
        #expect(h.world.messages.isEmpty)
        h.advance(minute)
        #expect(try await h.invoke([("m1", body(s))]).isEmpty)
        #expect(h.world.messages.count == 1)
        #expect(h.store.items("sig-13")[sk]?.status == "sent")
    }

    @Test func recordsNotStartedNearTheDeadlineAreRetried() async throws {
        let h = try Harness()
        let retry = try await h.invoke([("m1", body(signal("late", .above, target: "99")))], timeoutMs: 4_000)
        #expect(retry == ["m1"])
        #expect(h.world.messages.isEmpty && h.world.requests.isEmpty)
    }

    @Test func dryRunRecordsAndLogsInsteadOfSending() async throws {
        let h = try Harness(environment: ["ALERTS_DRY_RUN": "1"])
        #expect(try await h.invoke([("m1", body(signal("dry", .above, target: "99")))]).isEmpty)
        #expect(h.world.requests(containing: "pushover") == 0)
        #expect(h.store.items("dry").values.map(\.status) == ["sent"])
        #expect(try h.records().contains { $0["message"]?.stringValue == "notification (dry run, not sent)" })
    }

    @Test func aStoreOutageRetriesTheMessage() async throws {
        let h = try Harness()
        h.store.failNext = 1
        #expect(try await h.invoke([("m1", body(signal("s", .above, target: "99")))]) == ["m1"])
        #expect(try await h.invoke([("m1", body(signal("s", .above, target: "99")))]).isEmpty)
        #expect(h.world.messages.count == 1)
    }

    @Test func aTakeProfitAndStopLossInOneMinuteAreOrderedWithSecondCandles() async throws {
        let h = try Harness()
        let s = signal("tie", .long, entry: nil, tps: ["110"], sl: "90")
        try await h.invoke([("m1", body(s))])
        let minuteOpen = t0 + 30 * minute
        h.world.script("binance:BTCUSDT", at: minuteOpen, ("100", "111", "89", "100"))
        // Within the minute the high (111) comes at second 10, the low (89) at second 40: TP1 first.
        var rows: [(EpochMillis, OHLC)] = []
        for sec in 0..<60 {
            let t = minuteOpen + Int64(sec) * 1000
            rows.append((t, sec == 10 ? ("100", "111", "100", "100") : sec == 40 ? ("100", "100", "89", "100") : ("100", "100.5", "99.5", "100")))
        }
        h.world.scriptSeconds("binance:BTCUSDT", minute: minuteOpen, rows)
        h.advance(hour)
        #expect(try await h.invoke([("m2", body(s, runTime: t0 + hour))]).isEmpty)
        #expect(h.world.requests(containing: "interval=1s") == 1)
        let titles = h.world.messages.compactMap { $0["title"] }
        #expect(titles.count == 1 && titles[0].contains("TP1") && titles[0].contains("trade closed"))
        #expect(h.world.messages.first?["timestamp"] == String((minuteOpen + 10_000) / 1000))
    }

    @Test func withoutSecondCandlesTheStopLossWinsATie() async throws {
        let h = try Harness()
        let s = signal("tie-sl", .long, venue: .bybit, entry: nil, tps: ["110"], sl: "90")
        try await h.invoke([("m1", body(s))])
        h.world.script("bybit:BTCUSDT", at: t0 + 30 * minute, ("100", "111", "89", "100"))
        h.advance(hour)
        #expect(try await h.invoke([("m2", body(s, runTime: t0 + hour))]).isEmpty)
        let titles = h.world.messages.compactMap { $0["title"] }
        #expect(titles.count == 1 && titles[0].contains("stop-loss"))
        #expect(h.world.requests(containing: "interval=1s") == 0)
    }

    @Test func metricsAreEmitted() async throws {
        let h = try Harness()
        try await h.invoke([("m1", body(signal("s", .above, target: "99"))), ("bad", "{")])
        let emf = try #require(try h.records().first { $0["_aws"] != nil })
        #expect(emf["SignalsEvaluated"]?.intValue == 1 && emf["EventsFired"]?.intValue == 1)
        #expect(emf["NotificationsSent"]?.intValue == 1 && emf["NotificationsFailed"]?.intValue == 0)
        #expect(emf["MessagesRetried"]?.intValue == 1)
    }

    @Test func everyLogLineIsFreeOfSecrets() async throws {
        let h = try Harness()
        try await h.invoke([("m1", body(signal("s", .above, target: "99", user: "alice")))])
        let text = h.logs.lines.joined(separator: "\n")
        for secret in [h.token, h.userKey, h.aliceKey] { #expect(!text.contains(secret)) }
    }
}
