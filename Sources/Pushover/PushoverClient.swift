import CurlHTTP
import SignalDomain

/// What Pushover returned for an accepted message.
public struct PushoverReceipt: Sendable, Equatable {
    /// Pushover's request id (`dry-run` when nothing was sent).
    public var request: String
    /// The emergency-priority receipt, for acknowledgement tracking.
    public var receipt: String?
    public var dryRun: Bool

    public init(request: String, receipt: String?, dryRun: Bool = false) {
        self.request = request
        self.receipt = receipt
        self.dryRun = dryRun
    }
}

/// `POST {PUSHOVER_API_URL}/1/messages.json`, form-encoded. 4xx is permanent; 5xx and no reply are retried
/// no sooner than 5 s later while time remains; 429 (quota spent) is left to SQS redelivery.
public struct PushoverClient: Sendable {
    public let apiURL: String
    private let token: String
    private let transport: any HTTPTransport
    private let pacing: Pacing
    public let dryRun: Bool

    /// Pushover: "retry, but no sooner than 5 seconds after the last request".
    static var retryDelayMs: Int64 { 5_000 }
    static var requestTimeoutMs: Int64 { 10_000 }
    static var maxAttempts: Int { 3 }

    public init(apiURL: String, token: String, transport: any HTTPTransport, pacing: Pacing, dryRun: Bool = false) {
        var base = apiURL
        while base.hasSuffix("/") { base.removeLast() }
        self.apiURL = base
        self.token = token
        self.transport = transport
        self.pacing = pacing
        self.dryRun = dryRun
    }

    /// The request for a message (pure; unit-tested).
    public func request(_ message: PushoverMessage) -> HTTPRequest {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/x-www-form-urlencoded")
        return HTTPRequest(
            method: "POST", url: "\(apiURL)/1/messages.json", headers: headers,
            body: Array(PushoverClient.formEncode([("token", token)] + message.fields).utf8))
    }

    public func send(_ message: PushoverMessage) async throws(PushoverError) -> PushoverReceipt {
        var message = message
        if dryRun { return PushoverReceipt(request: "dry-run", receipt: nil, dryRun: true) }
        var attempt = 0
        while true {
            attempt += 1
            var req = request(message)
            req.timeoutMs = Int(max(1_000, min(Self.requestTimeoutMs, pacing.remainingMs())))
            let failure: PushoverError
            do {
                let response = try await transport.send(req)
                switch interpret(response) {
                case .success(let receipt): return receipt
                case .failure(let e): failure = e
                }
            } catch {
                let detail = (error as? HTTPClientError)?.description ?? "transport error"
                failure = PushoverError(.unavailable, detail: redact(detail))
            }
            // A sound name Pushover does not know (a typo in the sheet, a custom sound since deleted) must
            // not lose the alert: send it again at once with the recipient's default sound.
            if failure.kind == .rejected, failure.status == 400, message.sound != nil,
                failure.detail.lowercased().contains("sound")
            {
                message.sound = nil
                continue
            }
            guard failure.kind == .unavailable, attempt < Self.maxAttempts,
                Self.retryDelayMs + Self.requestTimeoutMs <= pacing.remainingMs()
            else { throw failure }
            await pacing.sleep(Self.retryDelayMs + Int64(Double(1_000) * pacing.random()))
        }
    }

    /// Reads a response (pure). 200 with `status: 1` is success.
    public func interpret(_ response: HTTPResponse) -> Result<PushoverReceipt, PushoverError> {
        let body = try? JSONValue.parse(response.body)
        let request = body?["request"]?.stringValue
        let errors = body?["errors"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "; ")
        let detail = redact(errors.flatMap { $0.isEmpty ? nil : $0 } ?? excerpt(response))
        switch response.status {
        case 200..<300:
            guard body?["status"]?.intValue == 1, let request else {
                return .failure(PushoverError(.rejected, status: response.status, detail: detail, request: request))
            }
            return .success(PushoverReceipt(request: request, receipt: body?["receipt"]?.stringValue))
        case 429:
            return .failure(PushoverError(.quotaExhausted, status: 429, detail: detail, request: request))
        case 400..<500:
            return .failure(PushoverError(.rejected, status: response.status, detail: detail, request: request))
        default:
            return .failure(PushoverError(.unavailable, status: response.status, detail: detail, request: request))
        }
    }

    private func excerpt(_ response: HTTPResponse) -> String {
        let s = String(decoding: response.body.prefix(200), as: UTF8.self)
        return String(s.map { $0.isNewline ? " " : $0 })
    }

    /// Removes the token from any text that might echo it (defence in depth: Pushover's errors don't).
    private func redact(_ text: String) -> String {
        guard !token.isEmpty, text.contains(token) else { return text }
        return text.split(separator: token, omittingEmptySubsequences: false).joined(separator: "[token]")
    }

    /// `application/x-www-form-urlencoded`: unreserved characters as is, everything else %XX (UTF-8).
    public static func formEncode(_ fields: [(String, String)]) -> String { PercentEncoding.form(fields) }
}
