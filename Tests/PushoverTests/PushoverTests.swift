import CurlHTTP
import Testing
@testable import Pushover
@testable import SignalDomain

final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = Mutex()
    private var sent: [HTTPRequest] = []
    private let answers: @Sendable (Int) throws -> HTTPResponse

    init(_ answers: @escaping @Sendable (Int) throws -> HTTPResponse) { self.answers = answers }
    var requests: [HTTPRequest] { lock.withLock { sent } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let n = lock.withLock { sent.append(request); return sent.count - 1 }
        return try answers(n)
    }
}

final class SleepLog: @unchecked Sendable {
    private let lock = Mutex()
    private var log: [Int64] = []
    var sleeps: [Int64] { lock.withLock { log } }
    func pacing(remaining: Int64) -> Pacing {
        Pacing(remainingMs: { remaining }, sleep: { [self] ms in lock.withLock { log.append(ms) } }, random: { 0 })
    }
}

func reply(_ status: Int, _ body: String) -> HTTPResponse {
    HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Array(body.utf8))
}

/// Decodes a form body back into fields (test-side reference decoder).
func formFields(_ body: [UInt8]) -> [(String, String)] {
    String(decoding: body, as: UTF8.self).split(separator: "&").map { pair in
        let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
        return (percentDecode(kv[0]), percentDecode(kv.count > 1 ? kv[1] : ""))
    }
}

func percentDecode(_ s: String) -> String {
    var bytes: [UInt8] = []
    var u = Array(s.utf8)[...]
    while let b = u.popFirst() {
        if b == UInt8(ascii: "%"), u.count >= 2 {
            let h = String(decoding: u.prefix(2), as: UTF8.self)
            bytes.append(UInt8(h, radix: 16)!)
            u = u.dropFirst(2)
        } else if b == UInt8(ascii: "+") {
            bytes.append(0x20)
        } else {
            bytes.append(b)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Made up at test time (30 characters of [A-Za-z0-9], like real keys); no real key is committed.
let userKey = randomKey(prefix: "u")
let appToken = randomKey(prefix: "a")

func randomKey(prefix: String) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    return prefix + String((0..<29).map { _ in alphabet.randomElement()! })
}

func emergency() -> PushoverMessage {
    PushoverMessage(
        user: userKey, title: "BTC/USDT on Binance: above 65000", message: "High 65010.5 reached 65000 · now 64990.1 · breakout",
        priority: 2, sound: "persistent", retry: 30, expire: 3600, timestamp: 1_795_636_740,
        url: "https://www.binance.com/en/trade/BTC_USDT", urlTitle: "BTC/USDT on Binance")
}

@Suite struct PushoverTests {
    @Test func emergencyPayloadIsFormEncodedWithRetryAndExpire() {
        let client = PushoverClient(
            apiURL: "http://127.0.0.1:9/", token: appToken, transport: RecordingTransport { _ in reply(200, "{}") },
            pacing: SleepLog().pacing(remaining: 60_000))
        let req = client.request(emergency())
        #expect(req.method == "POST" && req.url == "http://127.0.0.1:9/1/messages.json")
        #expect(req.headers["Content-Type"] == "application/x-www-form-urlencoded")
        let f = formFields(req.body)
        #expect(f.map(\.0) == ["token", "user", "title", "message", "priority", "sound", "retry", "expire", "timestamp", "url", "url_title"])
        let d = Dictionary(uniqueKeysWithValues: f)
        #expect(d["token"] == appToken && d["user"] == userKey)
        #expect(d["priority"] == "2" && d["retry"] == "30" && d["expire"] == "3600" && d["sound"] == "persistent")
        #expect(d["timestamp"] == "1795636740")
        #expect(d["url"] == "https://www.binance.com/en/trade/BTC_USDT" && d["url_title"] == "BTC/USDT on Binance")
        #expect(d["message"] == "High 65010.5 reached 65000 · now 64990.1 · breakout")
        // Reserved characters are escaped, never sent raw.
        #expect(!String(decoding: req.body, as: UTF8.self).contains(" "))
        #expect(String(decoding: req.body, as: UTF8.self).contains("url=https%3A%2F%2Fwww.binance.com"))
    }

    @Test func lowerPrioritiesCarryNoRetryOrExpire() {
        var m = emergency()
        m.priority = 0
        m.sound = nil
        let names = m.fields.map(\.0)
        #expect(!names.contains("retry") && !names.contains("expire") && !names.contains("sound"))
    }

    @Test func limitsAreRespectedOnCharacterBoundaries() {
        var m = emergency()
        m.title = String(repeating: "é", count: 300)
        m.message = String(repeating: "🇺🇸", count: 600)  // each flag is 2 scalars
        let d = Dictionary(uniqueKeysWithValues: m.fields)
        #expect(d["title"]!.unicodeScalars.count == 250 && d["title"]!.hasSuffix("…"))
        let msg = d["message"]!
        #expect(msg.unicodeScalars.count <= 1024 && msg.hasSuffix("…"))
        #expect(msg.dropLast().allSatisfy { $0 == "🇺🇸" })
        #expect(PushoverMessage.cut("short", to: 10) == "short")
    }

    @Test func acceptedMessageReturnsRequestAndReceipt() async throws {
        let t = RecordingTransport { _ in reply(200, #"{"status":1,"request":"647d2300-702c-4b38-8b2f-d56326ae460b","receipt":"rLqVuqTRh62UzxtmqiaLzQmVcPgiCy"}"#) }
        let client = PushoverClient(apiURL: "http://x", token: appToken, transport: t, pacing: SleepLog().pacing(remaining: 60_000))
        let r = try await client.send(emergency())
        #expect(r == PushoverReceipt(request: "647d2300-702c-4b38-8b2f-d56326ae460b", receipt: "rLqVuqTRh62UzxtmqiaLzQmVcPgiCy"))
    }

    @Test func invalidUserIsPermanentAndNeverEchoesSecrets() async {
        let t = RecordingTransport { _ in
            reply(400, #"{"user":"invalid","errors":["user identifier is invalid"],"status":0,"request":"5042853c-402d-4a18-abcb-168734a801de"}"#)
        }
        let sleeps = SleepLog()
        let client = PushoverClient(apiURL: "http://x", token: appToken, transport: t, pacing: sleeps.pacing(remaining: 60_000))
        do {
            _ = try await client.send(emergency())
            Issue.record("expected a rejection")
        } catch {
            #expect(error.kind == .rejected && error.isPermanent && error.status == 400)
            #expect(error.description.contains("user identifier is invalid"))
            #expect(!error.description.contains(userKey) && !error.description.contains(appToken))
        }
        #expect(t.requests.count == 1 && sleeps.sleeps.isEmpty)
    }

    @Test func anUnknownSoundIsDroppedRatherThanLosingTheAlert() async throws {
        let t = RecordingTransport { n in
            n == 0
                ? reply(400, #"{"sound":"invalid","errors":["sound is invalid"],"status":0,"request":"5042853c"}"#)
                : reply(200, #"{"status":1,"request":"r-2"}"#)
        }
        var m = emergency()
        m.sound = "myCustomTypo"
        let client = PushoverClient(apiURL: "http://x", token: appToken, transport: t, pacing: SleepLog().pacing(remaining: 60_000))
        let r = try await client.send(m)
        #expect(r.request == "r-2")
        #expect(t.requests.count == 2)
        #expect(!formFields(t.requests[1].body).map(\.0).contains("sound"))
    }

    @Test func serverErrorIsRetriedNoSoonerThanFiveSeconds() async throws {
        let t = RecordingTransport { n in n == 0 ? reply(500, "oops") : reply(200, #"{"status":1,"request":"r-2"}"#) }
        let sleeps = SleepLog()
        let client = PushoverClient(apiURL: "http://x", token: appToken, transport: t, pacing: sleeps.pacing(remaining: 60_000))
        let r = try await client.send(emergency())
        #expect(r.request == "r-2" && t.requests.count == 2)
        #expect(sleeps.sleeps.count == 1 && sleeps.sleeps[0] >= 5_000)
    }

    @Test func serverErrorWithoutTimeLeftIsLeftToRedelivery() async {
        let t = RecordingTransport { _ in reply(503, "busy") }
        let sleeps = SleepLog()
        let client = PushoverClient(apiURL: "http://x", token: appToken, transport: t, pacing: sleeps.pacing(remaining: 8_000))
        do {
            _ = try await client.send(emergency())
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .unavailable && !error.isPermanent)
        }
        #expect(t.requests.count == 1 && sleeps.sleeps.isEmpty)
    }

    @Test func timeoutsAreTransient() async {
        let t = RecordingTransport { _ in throw HTTPClientError(.timedOut, host: "api.pushover.net", detail: "10000 ms") }
        let client = PushoverClient(apiURL: "http://x", token: appToken, transport: t, pacing: SleepLog().pacing(remaining: 60_000))
        do {
            _ = try await client.send(emergency())
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .unavailable)
        }
        #expect(t.requests.count == 3)
    }

    @Test func quotaExhaustedIsNotRetriedInProcess() async {
        let t = RecordingTransport { _ in reply(429, #"{"status":0,"errors":["application is over its monthly message quota"],"request":"q"}"#) }
        let client = PushoverClient(apiURL: "http://x", token: appToken, transport: t, pacing: SleepLog().pacing(remaining: 60_000))
        do {
            _ = try await client.send(emergency())
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .quotaExhausted && !error.isPermanent)
        }
        #expect(t.requests.count == 1)
    }

    @Test func dryRunSendsNothing() async throws {
        let t = RecordingTransport { _ in reply(500, "") }
        let client = PushoverClient(apiURL: "http://x", token: "", transport: t, pacing: SleepLog().pacing(remaining: 60_000), dryRun: true)
        let r = try await client.send(emergency())
        #expect(r.dryRun && t.requests.isEmpty)
    }

    @Test func usersResolveKeysAliasesAndTheDefault() throws {
        let users = PushoverUsers(defaultKey: userKey, aliases: ["Alice": "aliceKeyaliceKeyaliceKeyalice1", "desk": "gznej3rKEVAvPUxu9vvNnqpmZpokzF"])
        #expect(try users.resolve(nil) == userKey)
        #expect(try users.resolve("  ") == userKey)
        #expect(try users.resolve("alice") == "aliceKeyaliceKeyaliceKeyalice1")
        #expect(try users.resolve("DESK") == "gznej3rKEVAvPUxu9vvNnqpmZpokzF")
        #expect(try users.resolve("abcdefghijklmnopqrstuvwxyz0123") == "abcdefghijklmnopqrstuvwxyz0123")
        #expect(throws: PushoverUsers.ResolutionError.unknownAlias("bob")) { try users.resolve("bob") }
        #expect(throws: PushoverUsers.ResolutionError.noDefaultUser) { try PushoverUsers(defaultKey: nil, aliases: [:]).resolve(nil) }
        #expect(PushoverUsers.redacted(userKey) == String(userKey.prefix(4)) + "…")
        #expect(PushoverUsers.redacted("alice") == "alice")
    }
}
