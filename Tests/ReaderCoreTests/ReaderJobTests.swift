import Base
import Google
import SignalDomain
import Testing
@testable import ReaderCore

@Suite struct ReaderJobTests {
    static let now = UTCTime.parseISO8601("2026-11-25T20:00:03Z")!
    static let run = RunInfo(id: "evt-1", time: UTCTime.parseISO8601("2026-11-25T20:00:00Z")!)

    static let sheet: [[JSONValue]] = [
        ["Symbol", "Exchange", "Condition", "Target Price", "Active", "User", "id", "Note", "Expires"],
        ["BTCUSDT", "binance", "above", .number("65000"), "TRUE", "alice", "btc-breakout", "breakout"],
        ["ETH-USD", "coinbase", "below", "$3,000.50", "", "", "eth-dip"],
        [],
        ["SOLUSDT", "", "above", 150, "FALSE"],
        ["BTCUSDT", "", "above", "abc"],
        ["XRPUSDT", "bybit", "above", 1, "", "", "xrp", "", "2026-01-01"],
        ["DOGEUSDT", "", "sideways", 1],
    ]

    func job(_ queue: FakeQueue, sheet: FakeSheet = FakeSheet(ReaderJobTests.sheet)) -> ReaderJob {
        ReaderJob(spreadsheetID: "sheet-1", sheet: sheet, queue: queue, clock: FixedClock(Self.now))
    }

    @Test func sendsOneMessagePerValidSignalWithTheSpecBody() async throws {
        let queue = FakeQueue()
        let outcome = try await job(queue).run(Self.run, deadline: nil)
        let bodies = queue.accepted
        #expect(bodies == [
            #"{"version":1,"run":{"id":"evt-1","time":"2026-11-25T20:00:00Z"},"sheet":{"id":"sheet-1","row":2},"signal":{"id":"btc-breakout","exchange":"binance","symbol":"BTCUSDT","condition":"above","target_price":"65000","user":"alice","repeat":"once","note":"breakout"}}"#,
            #"{"version":1,"run":{"id":"evt-1","time":"2026-11-25T20:00:00Z"},"sheet":{"id":"sheet-1","row":3},"signal":{"id":"eth-dip","exchange":"coinbase","symbol":"ETH-USD","condition":"below","target_price":"3000.5","repeat":"once"}}"#,
        ])
        #expect(outcome.isComplete)
        #expect(outcome.enqueueError == nil)
    }

    @Test func summaryIsTheSpecShape() async throws {
        let outcome = try await job(FakeQueue()).run(Self.run, deadline: nil)
        let summary = outcome.summary
        #expect(summary.objectValue?.keys == ["run", "rows", "enqueued", "skipped", "rejected"])
        #expect(summary["run"]?.serialized == #"{"id":"evt-1","time":"2026-11-25T20:00:00Z"}"#)
        #expect(summary["rows"] == 6, "blank row 4 is not counted")
        #expect(summary["enqueued"] == 2)
        #expect(summary["skipped"]?.serialized == #"[{"row":5,"reason":"inactive"},{"row":7,"reason":"expired"}]"#)
        let rejected = try #require(summary["rejected"]?.arrayValue)
        #expect(rejected.map { $0["row"] } == [6, 8])
        #expect(rejected[0]["column"] == "target_price" && rejected[0]["value"] == "abc")
        #expect(rejected[1]["column"] == "condition" && rejected[1]["value"] == "sideways")
        #expect(rejected.allSatisfy { ($0["reason"]?.stringValue ?? "").isEmpty == false })
    }

    @Test func rowNumbersFollowTheRangeStart() async throws {
        let queue = FakeQueue()
        let sheet = FakeSheet([["symbol", "condition", "price"], ["BTCUSDT", "above", "x"]], range: "'My Signals'!B5:K100")
        let outcome = try await job(queue, sheet: sheet).run(Self.run, deadline: nil)
        #expect(outcome.summary["rejected"]?[0]?["row"] == 6)
    }

    @Test func aMistypedPushoverKeyIsShortenedInTheReport() async throws {
        let key29 = "uQiRzpo4DXghDmr9QzzfQu27cmVRs"
        let sheet = FakeSheet([["symbol", "condition", "price", "user"], ["BTCUSDT", "above", 1, .string(key29)]])
        let outcome = try await job(FakeQueue(), sheet: sheet).run(Self.run, deadline: nil)
        let text = outcome.summary.serialized
        #expect(outcome.summary["rejected"]?[0]?["column"] == "pushover_user_key")
        #expect(!text.contains(key29))
        #expect(text.contains("uQiR…"))
    }

    @Test func enqueueFailureSaysHowManyAndWhy() async throws {
        let queue = FakeQueue(fail: { body in
            body.contains(#""row":3"#) ? "SQS: KMS.ThrottlingException: slow down" : nil
        })
        let outcome = try await job(queue).run(Self.run, deadline: nil)
        #expect(!outcome.isComplete)
        #expect(outcome.enqueued == 1)
        let error = try #require(outcome.enqueueError)
        #expect(error.code == .enqueueFailed)
        #expect(error.errorType == "EnqueueFailed")
        #expect(error.message.hasPrefix("1 of 2 valid signals could not be put on the SQS queue (row 3: "))
        #expect(error.message.contains("KMS.ThrottlingException"))
    }

    @Test func anUnreadableSheetIsAReaderError() async {
        let google = GoogleError(.sheetNotShared, "Google Sheets refused … share the sheet with reader@x", status: 403)
        do {
            _ = try await job(FakeQueue(), sheet: FakeSheet(error: google)).run(Self.run, deadline: nil)
            Issue.record("no error")
        } catch {
            #expect(error.code == .sheetUnreadable)
            #expect(error.errorType == "SheetNotShared")
            #expect(error.message.contains("share the sheet with reader@x"))
        }
    }

    @Test func aLargeSheetIsSentInSlicesAndEverySignalCounted() async throws {
        var rows: [[JSONValue]] = [["id", "symbol", "condition", "price"]]
        for n in 0..<1_234 { rows.append([.string("s\(n)"), "BTCUSDT", "above", .int(n + 1)]) }
        let queue = FakeQueue(fail: { body in body.contains(#""row":1000}"#) ? "SQS InternalError: busy" : nil })
        let outcome = try await job(queue, sheet: FakeSheet(rows)).run(Self.run, deadline: nil)
        #expect(queue.calls == 3)
        #expect(queue.accepted.count == 1_233)
        #expect(outcome.enqueued == 1_233)
        #expect(outcome.failures == [EnqueueFailure(row: 1000, reason: "SQS InternalError: busy")])
        #expect(Set(queue.accepted.compactMap { (try? JSONValue.parse($0))?["sheet"]?["row"]?.intValue }).count == 1_233)
    }

    @Test func anEmptySheetIsAnEmptyRun() async throws {
        let queue = FakeQueue()
        let outcome = try await job(queue, sheet: FakeSheet([])).run(Self.run, deadline: nil)
        #expect(outcome.summary.serialized == #"{"run":{"id":"evt-1","time":"2026-11-25T20:00:00Z"},"rows":0,"enqueued":0,"skipped":[],"rejected":[]}"#)
        #expect(queue.calls == 0)
    }
}
