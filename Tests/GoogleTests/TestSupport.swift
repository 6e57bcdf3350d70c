import Base
import CurlHTTP
import OpenSSLCrypto
@testable import Google

/// A key pair made once per test run (keys are never committed), and key-file JSON around it.
enum TestKey {
    static let pair: (privatePEM: String, publicPEM: String) = {
        do {
            let key = try RSAPrivateKey.generate()
            return (try key.pkcs8PEM(), try key.publicKeyPEM())
        } catch {
            fatalError("test key generation failed: \(error)")
        }
    }()

    static let email = "signals-reader@test-project.iam.gserviceaccount.com"

    static func json(
        tokenURI: String? = "http://127.0.0.1:9/token", dropping: Set<String> = [], overrides: [String: JSONValue] = [:]
    ) -> String {
        var o = JSONObject([
            ("type", "service_account"), ("project_id", "test-project"), ("private_key_id", "kid-0123456789abcdef"),
            ("private_key", .string(pair.privatePEM)), ("client_email", .string(email)),
            ("client_id", "113258942105700140798"),
        ])
        if let tokenURI { o["token_uri"] = .string(tokenURI) }
        for f in dropping { o[f] = nil }
        for (k, v) in overrides { o[k] = v }
        return JSONValue.object(o).serialized
    }

    static func key(tokenURI: String = "http://127.0.0.1:9/token") -> ServiceAccountKey {
        do { return try ServiceAccountKey(json: json(tokenURI: tokenURI)) } catch { fatalError("\(error)") }
    }
}

/// A transport that answers from a script and records what it was sent.
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    private let lock = Mutex()
    private var _requests: [HTTPRequest] = []
    private let respond: @Sendable (HTTPRequest, Int) throws -> HTTPResponse

    /// `respond(request, n)` where n counts this transport's requests from 0.
    init(_ respond: @escaping @Sendable (HTTPRequest, Int) throws -> HTTPResponse) { self.respond = respond }

    var requests: [HTTPRequest] { lock.withLock { _requests } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let n = lock.withLock { () -> Int in
            _requests.append(request)
            return _requests.count - 1
        }
        return try respond(request, n)
    }
}

/// Records the pauses instead of sleeping, and uses a fixed jitter.
final class PauseRecorder: @unchecked Sendable {
    private let lock = Mutex()
    private var _pauses: [Int64] = []
    var pauses: [Int64] { lock.withLock { _pauses } }

    func policy(maxAttempts: Int = 4, clock: FixedClock? = nil) -> GoogleRetryPolicy {
        GoogleRetryPolicy(maxAttempts: maxAttempts, random: { 0.5 }, sleep: { [self] ms in
            lock.withLock { _pauses.append(ms) }
            clock?.advance(by: ms)
        })
    }
}

func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
    HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")] + headers), body: Array(body.utf8))
}

func tokenResponse(_ token: String, expiresIn: Int = 3599) -> HTTPResponse {
    json(200, #"{"access_token":"\#(token)","expires_in":\#(expiresIn),"token_type":"Bearer"}"#)
}

/// Form fields of an `application/x-www-form-urlencoded` body, decoded.
func formFields(_ body: [UInt8]) -> [String: String] {
    var out: [String: String] = [:]
    for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
        out[kv[0]] = kv.count > 1 ? percentDecode(kv[1]) : ""
    }
    return out
}

func percentDecode(_ s: String) -> String {
    var bytes: [UInt8] = []
    var it = Array(s.utf8).makeIterator()
    while let b = it.next() {
        if b == UInt8(ascii: "%"), let h = it.next(), let l = it.next(), let v = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) {
            bytes.append(v)
        } else if b == UInt8(ascii: "+") {
            bytes.append(0x20)
        } else {
            bytes.append(b)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
