import Base
import CurlHTTP
import LambdaRuntime
import Logs
import SignalDomain
@testable import WorkerCore

typealias OHLC = (open: String, high: String, low: String, close: String)

/// Binance, Coinbase, Bybit and Pushover in one fake transport, speaking their documented shapes.
/// Every minute of every listed market is a flat candle at 100 unless scripted.
final class FakeWorld: HTTPTransport, @unchecked Sendable {
    private let lock = Mutex()
    private var _now: EpochMillis
    private var scripted: [String: [EpochMillis: OHLC]] = [:]
    private var seconds: [String: [EpochMillis: [(EpochMillis, OHLC)]]] = [:]
    var listed: Set<String> = ["binance:BTCUSDT", "coinbase:BTC-USDT", "bybit:BTCUSDT", "binance:ETHUSDT"]
    private var exchangeFaults: [(venue: String, symbol: String?, status: Int, body: String, times: Int)] = []
    private var pushoverFaults: [(status: Int, body: String)] = []
    private var sent: [[String: String]] = []
    private var log: [String] = []
    private var nextRequest = 0
    private var heldVenue: String?
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var releasedBy: String?

    init(now: EpochMillis) { _now = now }

    var now: EpochMillis {
        get { lock.withLock { _now } }
        set { lock.withLock { _now = newValue } }
    }

    func script(_ venueSymbol: String, at minute: EpochMillis, _ c: OHLC) {
        lock.withLock { scripted[venueSymbol, default: [:]][minute] = c }
    }

    /// 1-second candles (Binance `interval=1s`) for one minute.
    func scriptSeconds(_ venueSymbol: String, minute: EpochMillis, _ rows: [(EpochMillis, OHLC)]) {
        lock.withLock { seconds[venueSymbol, default: [:]][minute] = rows }
    }

    /// The next `times` requests to that venue (and symbol, if given) answer `status`.
    func failExchange(_ venue: String, symbol: String? = nil, status: Int, body: String = "{}", times: Int = 1) {
        lock.withLock { exchangeFaults.append((venue, symbol, status, body, times)) }
    }

    func failPushover(_ status: Int, body: String = #"{"status":0,"errors":["something went wrong"],"request":"r-fail"}"#) {
        lock.withLock { pushoverFaults.append((status, body)) }
    }

    var messages: [[String: String]] { lock.withLock { sent } }
    var requests: [String] { lock.withLock { log } }
    func requests(containing s: String) -> Int { requests.filter { $0.contains(s) }.count }
    func clearLog() { lock.withLock { log = [] } }

    /// Every request to `venue` waits until `release(by:)`: a venue that does not answer for a while.
    func hold(_ venue: String) { lock.withLock { heldVenue = venue } }

    /// Lets held requests go on; the first reason given is kept (`reason`).
    func release(by reason: String) {
        let resumed: [CheckedContinuation<Void, Never>] = lock.withLock {
            guard heldVenue != nil else { return [] }
            heldVenue = nil
            releasedBy = releasedBy ?? reason
            defer { waiters = [] }
            return waiters
        }
        resumed.forEach { $0.resume() }
    }

    var releaseReason: String? { lock.withLock { releasedBy } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { log.append(request.url) }
        let url = request.url
        if url.contains("pushover") { return pushover(request) }
        let venue = url.contains("binance") ? "binance" : url.contains("coinbase") ? "coinbase" : "bybit"
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let wait: Bool = lock.withLock {
                guard heldVenue == venue else { return false }
                waiters.append(c)
                return true
            }
            if !wait { c.resume() }
        }
        let symbol = symbolOf(url, venue: venue)
        let fault: (Int, String)? = lock.withLock {
            guard let i = exchangeFaults.firstIndex(where: { $0.venue == venue && ($0.symbol == nil || $0.symbol == symbol) })
            else { return nil }
            let f = exchangeFaults[i]
            exchangeFaults[i].times -= 1
            if exchangeFaults[i].times <= 0 { exchangeFaults.remove(at: i) }
            return (f.status, f.body)
        }
        if let (status, body) = fault { return json(status, body) }
        switch venue {
        case "binance": return binance(url)
        case "coinbase": return coinbase(url)
        default: return bybit(url)
        }
    }

    // MARK: - Exchanges

    func candles(_ key: String, from: EpochMillis, to: EpochMillis) -> [(EpochMillis, OHLC)] {
        let now = self.now
        let last = min(to, now) / 60_000 * 60_000
        var t = (from + 59_999) / 60_000 * 60_000
        var out: [(EpochMillis, OHLC)] = []
        let script = lock.withLock { scripted[key] ?? [:] }
        while t <= last {
            out.append((t, script[t] ?? ("100", "100.5", "99.5", "100")))
            t += 60_000
        }
        return out
    }

    func symbolOf(_ url: String, venue: String) -> String? {
        if venue == "coinbase" {
            let parts = url.split(separator: "/")
            guard let i = parts.firstIndex(of: "products"), i + 1 < parts.count else { return nil }
            return String(parts[i + 1])
        }
        return query(url)["symbol"]
    }

    func binance(_ url: String) -> HTTPResponse {
        if url.hasSuffix("/api/v3/time") { return json(200, #"{"serverTime":\#(now)}"#) }
        let q = query(url)
        guard let sym = q["symbol"], listed.contains("binance:" + sym) else {
            return json(400, #"{"code":-1121,"msg":"Invalid symbol."}"#)
        }
        if q["interval"] == "1s" {
            let minute = Int64(q["startTime"]!)! / 60_000 * 60_000
            let rows = lock.withLock { seconds["binance:" + sym]?[minute] ?? [] }
            let body = rows.map { t, c in "[\(t),\"\(c.0)\",\"\(c.1)\",\"\(c.2)\",\"\(c.3)\",\"1.0\",\(t + 999),\"1.0\",1,\"0\",\"0\",\"0\"]" }
            return json(200, "[" + body.joined(separator: ",") + "]")
        }
        let rows = candles("binance:" + sym, from: Int64(q["startTime"]!)!, to: Int64(q["endTime"]!)!)
            .prefix(Int(q["limit"] ?? "500")!)
        let body = rows.map { t, c in "[\(t),\"\(c.0)\",\"\(c.1)\",\"\(c.2)\",\"\(c.3)\",\"1.0\",\(t + 59_999),\"1.0\",1,\"0\",\"0\",\"0\"]" }
        return json(200, "[" + body.joined(separator: ",") + "]")
    }

    func coinbase(_ url: String) -> HTTPResponse {
        if url.hasSuffix("/time") { return json(200, #"{"iso":"\#(UTCTime.format(now, milliseconds: true))","epoch":\#(now / 1000)}"#) }
        guard let sym = symbolOf(url, venue: "coinbase"), listed.contains("coinbase:" + sym) else {
            return json(404, #"{"message":"NotFound"}"#)
        }
        let q = query(url)
        let start = UTCTime.parseISO8601(q["start"]!.replacingOccurrences("%3A", ":"))!
        let end = UTCTime.parseISO8601(q["end"]!.replacingOccurrences("%3A", ":"))!
        let rows = candles("coinbase:" + sym, from: start, to: end).reversed()
        let body = rows.map { t, c in "[\(t / 1000),\(c.2),\(c.1),\(c.0),\(c.3),1.5]" }
        return json(200, "[" + body.joined(separator: ",") + "]")
    }

    func bybit(_ url: String) -> HTTPResponse {
        if url.hasSuffix("/v5/market/time") {
            return json(200, #"{"retCode":0,"retMsg":"OK","result":{"timeSecond":"\#(now / 1000)","timeNano":"\#(now)000000"},"retExtInfo":{},"time":\#(now)}"#)
        }
        let q = query(url)
        guard let sym = q["symbol"], listed.contains("bybit:" + sym) else {
            return json(200, #"{"retCode":10001,"retMsg":"Not supported symbols","result":{},"retExtInfo":{},"time":\#(now)}"#)
        }
        let rows = candles("bybit:" + sym, from: Int64(q["start"]!)!, to: Int64(q["end"]!)!).reversed()
        let list = rows.map { t, c in "[\"\(t)\",\"\(c.0)\",\"\(c.1)\",\"\(c.2)\",\"\(c.3)\",\"1\",\"1\"]" }
        return json(200, #"{"retCode":0,"retMsg":"OK","result":{"category":"spot","symbol":"\#(sym)","list":[\#(list.joined(separator: ","))]},"retExtInfo":{},"time":\#(now)}"#)
    }

    // MARK: - Pushover

    func pushover(_ request: HTTPRequest) -> HTTPResponse {
        if let fault = lock.withLock({ pushoverFaults.isEmpty ? nil : pushoverFaults.removeFirst() }) {
            return json(fault.status, fault.body)
        }
        var fields: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            fields[percentDecode(kv[0])] = percentDecode(kv.count > 1 ? kv[1] : "")
        }
        let id: Int = lock.withLock {
            nextRequest += 1
            sent.append(fields)
            return nextRequest
        }
        let receipt = fields["priority"] == "2" ? #","receipt":"r\#(id)""# : ""
        release(by: "notification")
        return json(200, #"{"status":1,"request":"req-\#(id)"\#(receipt)}"#)
    }

    func json(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Array(body.utf8))
    }
}

func query(_ url: String) -> [String: String] {
    guard let q = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
    var out: [String: String] = [:]
    for pair in q.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1)
        out[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
    }
    return out
}

func percentDecode(_ s: String) -> String {
    var bytes: [UInt8] = []
    var u = Array(s.utf8)[...]
    while let b = u.popFirst() {
        if b == UInt8(ascii: "%"), u.count >= 2 {
            bytes.append(UInt8(String(decoding: u.prefix(2), as: UTF8.self), radix: 16)!)
            u = u.dropFirst(2)
        } else {
            bytes.append(b == UInt8(ascii: "+") ? 0x20 : b)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}

/// 30 characters of Pushover's alphabet, made up at test time.
func randomKey(_ prefix: String) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    return prefix + String((0..<(30 - prefix.count)).map { _ in alphabet.randomElement()! })
}
