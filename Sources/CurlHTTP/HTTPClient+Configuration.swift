import Base

extension HTTPClient {
    /// Client-wide defaults. Requests may override the timeouts and the size cap (`HTTPRequest`).
    public struct Configuration: Sendable {
        /// Sent as `User-Agent` unless a request sets its own (SPEC §8).
        public var userAgent: String
        /// Default connect timeout (ms); 0 = curl's own (300 s).
        public var connectTimeoutMs: Int
        /// Default total timeout (ms); 0 = none.
        public var timeoutMs: Int
        /// Default cap on a response body; larger responses fail with `responseTooLarge`.
        public var maxResponseBytes: Int
        /// PEM bundle of trusted CAs (`CURLOPT_CAINFO`); nil = libcurl's compiled-in default. TLS peer and
        /// host verification are always on.
        public var caBundlePath: String?
        /// Proxy for `https://` and `http://` URLs. nil = none: curl's own reading of `*_proxy` variables
        /// is always switched off, so the Runtime API is never sent through a proxy by accident.
        public var httpsProxy: String?
        public var httpProxy: String?
        /// Hosts that bypass the proxy (curl's `NOPROXY` syntax).
        public var noProxy: String?
        /// Ask for gzip/brotli/zstd and decode transparently.
        public var acceptCompressedResponses: Bool
        /// Idle connections kept for reuse.
        public var maxCachedConnections: Int

        public init(
            userAgent: String = Product.userAgent, connectTimeoutMs: Int = 5_000, timeoutMs: Int = 30_000,
            maxResponseBytes: Int = 32 << 20, caBundlePath: String? = nil, httpsProxy: String? = nil,
            httpProxy: String? = nil, noProxy: String? = nil, acceptCompressedResponses: Bool = true,
            maxCachedConnections: Int = 16
        ) {
            self.userAgent = userAgent
            self.connectTimeoutMs = connectTimeoutMs
            self.timeoutMs = timeoutMs
            self.maxResponseBytes = maxResponseBytes
            self.caBundlePath = caBundlePath
            self.httpsProxy = httpsProxy
            self.httpProxy = httpProxy
            self.noProxy = noProxy
            self.acceptCompressedResponses = acceptCompressedResponses
            self.maxCachedConnections = maxCachedConnections
        }

        /// Reads `SSL_CERT_FILE` (else `CURL_CA_BUNDLE`) and the usual proxy variables
        /// (`HTTPS_PROXY`/`https_proxy`, `HTTP_PROXY`/`http_proxy`, `NO_PROXY`/`no_proxy`).
        public init(environment: Environment) {
            self.init(
                caBundlePath: environment.first("SSL_CERT_FILE", "CURL_CA_BUNDLE"),
                httpsProxy: environment.first("HTTPS_PROXY", "https_proxy"),
                httpProxy: environment.first("http_proxy", "HTTP_PROXY"),
                noProxy: environment.first("NO_PROXY", "no_proxy"))
        }

        /// For the Lambda Runtime API: loopback, plain HTTP, never proxied, no compression, and no default
        /// total timeout (`/next` is a long poll that may span a freeze).
        public static let runtimeAPI = Configuration(
            connectTimeoutMs: 1_000, timeoutMs: 0, maxResponseBytes: 7 << 20, acceptCompressedResponses: false,
            maxCachedConnections: 2)
    }
}
