import Base
import CurlHTTP

/// The AWS JSON 1.0 protocol shared by SQS and DynamoDB: `POST /` with `X-Amz-Target: <prefix>.<Operation>`,
/// a JSON body, SigV4, the standard retry mode, and error responses turned into `AWSError`.
/// Requests always go to the configured endpoint (never to a host named inside the body, such as a queue URL).
public struct AWSJSONClient: Sendable {
    /// Signing name and error label: `sqs`, `dynamodb`.
    public let service: String
    /// `AmazonSQS`, `DynamoDB_20120810`.
    public let targetPrefix: String
    public let endpoint: String
    public let signer: SigV4Signer
    public let options: AWSClientOptions
    public let quota: RetryQuota
    let transport: any HTTPTransport

    public init(
        service: String, targetPrefix: String, endpoint: String, credentials: AWSCredentials, region: String,
        transport: any HTTPTransport, options: AWSClientOptions = AWSClientOptions(), quota: RetryQuota = RetryQuota()
    ) {
        self.service = service
        self.targetPrefix = targetPrefix
        var e = endpoint
        while e.hasSuffix("/") { e.removeLast() }
        self.endpoint = e
        signer = SigV4Signer(credentials: credentials, region: region, service: service)
        self.transport = transport
        self.options = options
        self.quota = quota
    }

    // MARK: - Request building (pure)

    /// The signed request for one attempt.
    public func makeRequest(operation: String, body: JSONValue, date: EpochMillis, timeoutMs: Int) -> HTTPRequest {
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/x-amz-json-1.0")
        headers.set("X-Amz-Target", "\(targetPrefix).\(operation)")
        let request = HTTPRequest(
            method: "POST", url: endpoint + "/", headers: headers, body: body.serializedBytes,
            connectTimeoutMs: options.connectTimeoutMs, timeoutMs: timeoutMs)
        return signer.sign(request, date: date)
    }

    // MARK: - Calling

    /// Sends one operation with retries and returns the response body (`{}` when it is empty).
    /// - Parameter timeoutMs: time allowed per attempt; defaults to the options' timeout.
    public func call(_ operation: String, _ body: JSONValue, timeoutMs: Int? = nil) async throws(AWSError) -> JSONValue {
        let perAttempt = timeoutMs ?? options.timeoutMs
        var attempt = 1
        var lastRetryCost: Int?
        while true {
            let failure: AWSError
            do {
                let result = try await attemptOnce(operation, body, timeoutMs: perAttempt)
                quota.recordSuccess(lastRetryCost: lastRetryCost)
                return result
            } catch {
                failure = error
            }
            let failureClass = failure.failureClass
            let decision = options.retryPolicy.decide(
                failureClass, attempt: attempt, random: options.random(), remainingMs: options.remaining())
            guard case .retry(let delay) = decision,
                let cost = quota.acquire(afterTimeout: failureClass == .timeout)
            else {
                var final = failure
                final.attempts = attempt
                throw final
            }
            lastRetryCost = cost
            do {
                try await options.sleep(delay)
            } catch {
                var final = failure
                final.attempts = attempt
                throw final
            }
            attempt += 1
        }
    }

    private func attemptOnce(_ operation: String, _ body: JSONValue, timeoutMs: Int) async throws(AWSError) -> JSONValue {
        var timeout = timeoutMs
        if let remaining = options.remaining() { timeout = Int(max(500, min(Int64(timeoutMs), remaining))) }
        let request = makeRequest(operation: operation, body: body, date: options.clock.nowMillis(), timeoutMs: timeout)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as HTTPClientError {
            throw AWSError(
                kind: .transport, service: service, operation: operation, code: "Transport",
                message: error.description, transport: error)
        } catch {
            throw AWSError(
                kind: .transport, service: service, operation: operation, code: "Transport",
                message: String(describing: error),
                transport: HTTPClientError(.transport, host: SigV4URL(endpoint).hostHeader, detail: "\(error)"))
        }
        return try AWSJSONClient.interpret(
            response, service: service, operation: operation, redacting: secrets(of: request))
    }

    /// Values that must never appear in an error: the secret, the token and this request's signature.
    private func secrets(of request: HTTPRequest) -> [String] {
        var out = [signer.credentials.secretAccessKey]
        if let token = signer.credentials.sessionToken { out.append(token) }
        if let auth = request.headers["Authorization"], let r = auth.firstRange(of: "Signature=") {
            out.append(String(auth[r.upperBound...]))
        }
        return out
    }

    // MARK: - Response interpretation (pure)

    public static func interpret(
        _ response: HTTPResponse, service: String, operation: String, redacting secrets: [String] = []
    ) throws(AWSError) -> JSONValue {
        let requestId = response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
        if (200..<300).contains(response.status) {
            if let expected = response.headers["x-amz-crc32"], let want = UInt32(expected.trimmed),
                CRC32.checksum(response.body) != want
            {
                throw AWSError(
                    kind: .invalidResponse, service: service, operation: operation, code: "CRC32Mismatch",
                    message: "response body does not match its x-amz-crc32 header", status: response.status,
                    requestId: requestId)
            }
            if response.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
                return .object(JSONObject())
            }
            guard let json = try? JSONValue.parse(response.body), json.objectValue != nil else {
                throw AWSError(
                    kind: .invalidResponse, service: service, operation: operation, code: "InvalidResponse",
                    message: "response is not a JSON object", status: response.status, requestId: requestId)
            }
            return json
        }
        throw parseError(response, service: service, operation: operation, redacting: secrets)
    }
}
