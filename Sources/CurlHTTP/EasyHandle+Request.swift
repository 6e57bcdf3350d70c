import CCurl

/// Applies one `HTTPRequest` and the client configuration to a fresh easy handle.
extension EasyHandle {
    func configure(_ request: HTTPRequest, _ config: HTTPClient.Configuration) throws(HTTPClientError) {
        let host = URLParts.hostPort(of: request.url)
        guard let scheme = URLParts.scheme(of: request.url), scheme == "http" || scheme == "https", !host.isEmpty else {
            throw HTTPClientError(.invalidRequest, host: host, detail: "only absolute http:// and https:// URLs are supported")
        }
        let method = request.method
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            throw HTTPClientError(.invalidRequest, host: host, detail: "invalid method")
        }
        let headerLines = try Self.headerLines(for: request, config, host: host)
        do {
            try set(CURLOPT_URL, string: request.url)
            try set(CURLOPT_PROTOCOLS_STR, string: "http,https")
            try set(CURLOPT_NOSIGNAL, 1)
            try set(CURLOPT_TCP_NODELAY, 1)
            try set(CURLOPT_FOLLOWLOCATION, 0)
            try set(CURLOPT_SSL_VERIFYPEER, 1)
            try set(CURLOPT_SSL_VERIFYHOST, 2)
            if let ca = config.caBundlePath { try set(CURLOPT_CAINFO, string: ca) }
            // An explicit (possibly empty) proxy stops curl from reading *_proxy from the environment.
            let proxy = (scheme == "https" ? config.httpsProxy : config.httpProxy) ?? ""
            try set(CURLOPT_PROXY, string: proxy)
            if let noProxy = config.noProxy, !proxy.isEmpty { try set(CURLOPT_NOPROXY, string: noProxy) }
            if config.acceptCompressedResponses { try set(CURLOPT_ACCEPT_ENCODING, string: "") }
            try set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMs ?? config.connectTimeoutMs)
            try set(CURLOPT_TIMEOUT_MS, request.timeoutMs ?? config.timeoutMs)
            let cap = request.maxResponseBytes ?? config.maxResponseBytes
            try set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(cap))
            resetResponse(maxBytes: cap)
            switch method {
            case "GET" where request.body.isEmpty:
                try set(CURLOPT_HTTPGET, 1)
            case "HEAD":
                try set(CURLOPT_NOBODY, 1)
            default:
                try setBody(request.body)
                if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, string: method) }
            }
            try setHeaderLines(headerLines)
        } catch {
            throw HTTPClientError(setup: error, url: request.url)
        }
    }

    /// `Name: value` lines for curl, with the project's defaults and curl's unwanted ones suppressed.
    static func headerLines(for request: HTTPRequest, _ config: HTTPClient.Configuration, host: String)
        throws(HTTPClientError) -> [String]
    {
        var lines: [String] = []
        lines.reserveCapacity(request.headers.fields.count + 3)
        for (name, value) in request.headers {
            // CR/LF would let a value smuggle extra headers; ':' in a name would split it.
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3A }),
                value.utf8.allSatisfy({ $0 != 0x0D && $0 != 0x0A && $0 != 0x00 })
            else { throw HTTPClientError(.invalidRequest, host: host, detail: "invalid header field \(name.debugDescription)") }
            // "Name;" is curl's way to send a header with an empty value ("Name:" would delete it).
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if request.headers["User-Agent"] == nil { lines.append("User-Agent: \(config.userAgent)") }
        // No `Expect: 100-continue` round trip before large bodies.
        if request.headers["Expect"] == nil { lines.append("Expect:") }
        let hasBody = !(request.method == "GET" && request.body.isEmpty) && request.method != "HEAD"
        if hasBody, request.headers["Content-Type"] == nil {
            // curl would otherwise claim application/x-www-form-urlencoded.
            lines.append("Content-Type:")
        }
        return lines
    }
}
