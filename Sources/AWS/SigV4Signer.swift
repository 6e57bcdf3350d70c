import Base
import CurlHTTP
import OpenSSLCrypto

/// AWS Signature Version 4, header (`Authorization`) form and query (presigned URL) form.
///
/// Pure: the credentials, region, service and the signing time are all given, nothing is read from the
/// environment or the clock. Each stage (canonical request, string to sign, signature) is its own function so
/// the AWS test suite can check them one by one.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Per-request knobs, named as in the AWS test suite's `context.json`.
    public struct Options: Sendable {
        /// Remove `.`/`..` segments and repeated slashes from the path (true for every service but S3).
        public var normalizePath: Bool
        /// Add and sign `x-amz-content-sha256` (S3-style). JSON services do not need it.
        public var signBody: Bool
        /// Add the session token after signing instead of signing it (only some STS calls want this).
        public var omitSessionToken: Bool

        public init(normalizePath: Bool = true, signBody: Bool = false, omitSessionToken: Bool = false) {
            self.normalizePath = normalizePath
            self.signBody = signBody
            self.omitSessionToken = omitSessionToken
        }
    }

    // MARK: - Header form

    /// Returns `request` with `Host`, `X-Amz-Date`, the token and `Authorization` set.
    public func sign(_ request: HTTPRequest, date: EpochMillis, options: Options = Options()) -> HTTPRequest {
        signWithDetails(request, date: date, options: options).request
    }

    /// Every stage of a header-form signature, for tests and debugging (never log `signature`).
    public struct Signed: Sendable {
        public var request: HTTPRequest
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
    }

    public func signWithDetails(_ request: HTTPRequest, date: EpochMillis, options: Options = Options()) -> Signed {
        var out = request
        let url = SigV4URL(request.url)
        let amzDate = SigV4Signer.amzDate(date)
        out.headers.remove("Authorization")
        if out.headers["Host"] == nil { out.headers.set("Host", url.hostHeader) }
        out.headers.set("X-Amz-Date", amzDate)
        let payloadHash = Hex.encode(SHA256.hash(request.body))
        if options.signBody { out.headers.set("X-Amz-Content-Sha256", payloadHash) }
        if let token = credentials.sessionToken, !options.omitSessionToken {
            out.headers.set("X-Amz-Security-Token", token)
        }

        let headers = SigV4Signer.canonicalHeaders(out.headers)
        let canonical = SigV4Signer.canonicalRequest(
            method: request.method, path: url.path, query: SigV4Signer.canonicalQuery(url.queryItems),
            canonicalHeaders: headers.canonical, signedHeaders: headers.signed, payloadHash: payloadHash,
            normalizePath: options.normalizePath)
        let sts = stringToSign(canonicalRequest: canonical, amzDate: amzDate)
        let signature = self.signature(stringToSign: sts, amzDate: amzDate)
        out.headers.set(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope(amzDate)), "
                + "SignedHeaders=\(headers.signed), Signature=\(signature)")
        if let token = credentials.sessionToken, options.omitSessionToken {
            out.headers.set("X-Amz-Security-Token", token)
        }
        return Signed(request: out, canonicalRequest: canonical, stringToSign: sts, signature: signature)
    }

    // MARK: - Query (presigned) form

    /// Returns `request` with the signature in its URL's query (valid for `expiresSeconds`).
    public func presign(
        _ request: HTTPRequest, date: EpochMillis, expiresSeconds: Int, options: Options = Options()
    ) -> Signed {
        var out = request
        let url = SigV4URL(request.url)
        let amzDate = SigV4Signer.amzDate(date)
        if out.headers["Host"] == nil { out.headers.set("Host", url.hostHeader) }
        let headers = SigV4Signer.canonicalHeaders(out.headers)
        var items = url.queryItems
        items.append(("X-Amz-Algorithm", "AWS4-HMAC-SHA256"))
        items.append(("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope(amzDate))"))
        items.append(("X-Amz-Date", amzDate))
        items.append(("X-Amz-Expires", String(expiresSeconds)))
        if let token = credentials.sessionToken, !options.omitSessionToken {
            items.append(("X-Amz-Security-Token", token))
        }
        items.append(("X-Amz-SignedHeaders", headers.signed))
        let query = SigV4Signer.canonicalQuery(items)
        let canonical = SigV4Signer.canonicalRequest(
            method: request.method, path: url.path, query: query, canonicalHeaders: headers.canonical,
            signedHeaders: headers.signed, payloadHash: Hex.encode(SHA256.hash(request.body)),
            normalizePath: options.normalizePath)
        let sts = stringToSign(canonicalRequest: canonical, amzDate: amzDate)
        let signature = self.signature(stringToSign: sts, amzDate: amzDate)
        out.url = url.base + url.path + "?" + query
            + "&X-Amz-Signature=" + signature
        return Signed(request: out, canonicalRequest: canonical, stringToSign: sts, signature: signature)
    }

    // MARK: - Stages

    public func stringToSign(canonicalRequest: String, amzDate: String) -> String {
        "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope(amzDate))\n" + Hex.encode(SHA256.hash(Array(canonicalRequest.utf8)))
    }

    public func signature(stringToSign: String, amzDate: String) -> String {
        Hex.encode(HMACSHA256.authenticate(key: signingKey(day: String(amzDate.prefix(8))), message: Array(stringToSign.utf8)))
    }

    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
    func signingKey(day: String) -> [UInt8] {
        var key = HMACSHA256.authenticate(key: Array(("AWS4" + credentials.secretAccessKey).utf8), message: Array(day.utf8))
        for part in [region, service, "aws4_request"] {
            key = HMACSHA256.authenticate(key: key, message: Array(part.utf8))
        }
        return key
    }

    func scope(_ amzDate: String) -> String { "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request" }

    /// `20150830T123600Z`.
    public static func amzDate(_ ms: EpochMillis) -> String {
        let iso = UTCTime.format(ms)  // 2015-08-30T12:36:00Z
        return iso.filter { $0 != "-" && $0 != ":" }
    }
}
