import Base
import CurlHTTP

/// OAuth 2.0 access tokens for a service account, by the JWT-bearer grant (RFC 7523; Google's
/// "Using OAuth 2.0 for Server to Server Applications"). The token is cached across warm invocations
/// until shortly before it expires, so an hourly reader signs and exchanges one assertion per hour at most.
///
/// An actor, so one provider can be shared by everything in the process. Two concurrent callers with no
/// cached token may both fetch one; both tokens are valid, the later one stays cached.
public actor GoogleTokenProvider {
    public nonisolated let key: ServiceAccountKey
    private let transport: any HTTPTransport
    private let clock: any WallClock
    private let retry: GoogleRetryPolicy
    /// A token is replaced this long before Google says it expires.
    private let refreshMarginMs: Int64
    private var cached: (value: String, refreshAt: EpochMillis)?

    public static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    public static let requestTimeoutMs = 10_000

    public init(
        key: ServiceAccountKey, transport: any HTTPTransport, clock: any WallClock = SystemClock(),
        retry: GoogleRetryPolicy = GoogleRetryPolicy(), refreshMarginMs: Int64 = 300_000
    ) {
        self.key = key
        self.transport = transport
        self.clock = clock
        self.retry = retry
        self.refreshMarginMs = refreshMarginMs
    }

    /// A valid access token: the cached one until the margin before its expiry (or half its life, for a
    /// token issued for less than twice the margin), else a new one.
    /// `deadline` (epoch ms) bounds retries and request timeouts.
    public func accessToken(deadline: EpochMillis? = nil) async throws(GoogleError) -> String {
        if let cached, clock.nowMillis() < cached.refreshAt { return cached.value }
        let fresh = try await fetch(deadline: deadline)
        cached = fresh
        return fresh.value
    }

    /// Forgets `token` if it is the cached one (Google answered 401 with it), so the next call fetches anew.
    public func invalidate(_ token: String) {
        if cached?.value == token { cached = nil }
    }

    // MARK: - Exchange

    private func fetch(deadline: EpochMillis?) async throws(GoogleError) -> (value: String, refreshAt: EpochMillis) {
        var attempt = 0
        while true {
            attempt += 1
            let now = clock.nowMillis()
            let remaining = deadline.map { $0 - now }
            let assertion = try JWTAssertion.make(key: key, now: now)
            let request = Self.tokenRequest(
                tokenURI: key.tokenURI, assertion: assertion,
                timeoutMs: remaining.map { max(1, min(Self.requestTimeoutMs, Int($0))) } ?? Self.requestTimeoutMs)
            let failure: GoogleError
            var retryAfter: Int64? = nil
            do {
                let response = try await transport.send(request)
                switch Self.interpret(response, key: key, assertion: assertion, attempt: attempt) {
                case .success(let token):
                    let lifetimeMs = min(token.expiresInSeconds, 86_400) * 1000
                    return (token.accessToken, clock.nowMillis() + max(lifetimeMs - refreshMarginMs, lifetimeMs / 2))
                case .failure(let error):
                    guard error.code == .tokenUnavailable else { throw error }
                    failure = error
                    retryAfter = GoogleRetryPolicy.retryAfterMs(response.headers["Retry-After"])
                }
            } catch {
                failure = try GoogleRetryPolicy.transportFailure(error, .tokenUnavailable, "get a Google access token", attempt: attempt)
            }
            try await retry.pause(
                afterAttempt: attempt, retryAfterMs: retryAfter, remainingMs: deadline.map { $0 - clock.nowMillis() },
                else: failure)
        }
    }

    /// `POST token_uri` with the form body Google documents. The assertion is the only secret in it; it is
    /// short-lived and scoped, and never logged.
    public static func tokenRequest(tokenURI: String, assertion: String, timeoutMs: Int = requestTimeoutMs) -> HTTPRequest {
        let body = "grant_type=" + PercentEncoding.encode(grantType) + "&assertion=" + PercentEncoding.encode(assertion)
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/x-www-form-urlencoded")
        headers.add("Accept", "application/json")
        return HTTPRequest(
            method: "POST", url: tokenURI, headers: headers, body: Array(body.utf8), timeoutMs: timeoutMs,
            maxResponseBytes: 1 << 20)
    }

    struct IssuedToken: Equatable {
        let accessToken: String
        let expiresInSeconds: Int64
    }

    /// What a token-endpoint response means: a token, a rejected grant (permanent), or a failure worth
    /// retrying (`.tokenUnavailable`). Google's `error` / `error_description` are quoted, never the assertion.
    static func interpret(_ response: HTTPResponse, key: ServiceAccountKey, assertion: String, attempt: Int)
        -> Result<IssuedToken, GoogleError>
    {
        let json = try? JSONValue.parse(response.body)
        let status = response.status
        if (200..<300).contains(status) {
            guard let token = json?["access_token"]?.stringValue, !token.isEmpty else {
                return .failure(GoogleError(
                    .tokenResponseInvalid,
                    "the token endpoint \(hostOf(key.tokenURI)) answered HTTP \(status) without an access_token: "
                        + "check token_uri in GOOGLE_SERVICE_ACCOUNT_JSON", status: status))
            }
            if let type = json?["token_type"]?.stringValue, type.lowercased() != "bearer" {
                return .failure(GoogleError(
                    .tokenResponseInvalid, "the token endpoint issued a \(ServiceAccountKey.printable(type)) token, not a Bearer token",
                    status: status))
            }
            let expiresIn = json?["expires_in"]?.int64Value ?? 3600
            return .success(IssuedToken(accessToken: token, expiresInSeconds: max(0, expiresIn)))
        }
        let googleError = json?["error"]?.stringValue ?? json?["error"]?["status"]?.stringValue
        let googleDescription = json?["error_description"]?.stringValue ?? json?["error"]?["message"]?.stringValue
        var said = [googleError, googleDescription].compactMap { $0 }.map { ServiceAccountKey.printable(redact($0, assertion)) }
            .joined(separator: ": ")
        if said.isEmpty { said = "no error details" }
        if status == 429 || status >= 500 {
            return .failure(GoogleError(
                .tokenUnavailable,
                "the Google token endpoint \(hostOf(key.tokenURI)) kept failing (HTTP \(status), \(said)) after \(attempt) attempt(s); "
                    + "this is on Google's side, the next run will try again", status: status))
        }
        return .failure(GoogleError(
            .tokenRejected,
            "Google refused the access-token grant for \(key.clientEmail) (HTTP \(status), \(said)): "
                + hint(for: said), status: status))
    }

    /// What usually causes each refusal (googleapis client issues: clock skew, deleted keys or accounts).
    static func hint(for said: String) -> String {
        let s = said.lowercased()
        if s.contains("short-lived") || s.contains("timeframe") || s.contains("iat") {
            return "this machine's clock is probably wrong; fix the time (NTP) and run again"
        }
        if s.contains("signature") {
            return "the key in GOOGLE_SERVICE_ACCOUNT_JSON was probably deleted or replaced; create a new JSON key for the service account"
        }
        if s.contains("account not found") || s.contains("disabled") {
            return "the service account is deleted or disabled; re-enable it or use another account's key"
        }
        return "check that GOOGLE_SERVICE_ACCOUNT_JSON holds a current key of an enabled service account"
    }

    private static func redact(_ text: String, _ assertion: String) -> String {
        assertion.isEmpty ? text : text.replacing(assertion, with: "<assertion>")
    }
}

/// `host[:port]` of an absolute URL, for messages (never the path or query).
func hostOf(_ url: String) -> String {
    guard let scheme = url.firstRange(of: "://") else { return "?" }
    let rest = url[scheme.upperBound...]
    return String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }.split(separator: "@").last ?? "")
}
