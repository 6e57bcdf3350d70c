import CCurl

/// Turns curl's result codes into the few failure kinds a caller acts on (retry, fall back, give up).
extension HTTPClientError {
    init(curl code: CURLcode, easy: EasyHandle, url: String) {
        let host = URLParts.hostPort(of: url)
        // curl's error buffer is the more specific text ("Failed to connect to h port 1 after 0 ms: …").
        let extra = easy.errorText
        let detail = extra.isEmpty ? String(cString: curl_easy_strerror(code)) : URLParts.scrub(extra, url: url)
        if easy.exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            self.init(.responseTooLarge, host: host, detail: "response exceeds \(easy.maxResponseBytes) bytes")
            return
        }
        self.init(Self.kind(of: code), host: host, detail: detail)
    }

    init(setup error: CurlCallError, url: String) {
        let kind: Kind = error.call == "curl_easy_setopt" ? .invalidRequest : .transport
        self.init(kind, host: URLParts.hostPort(of: url), detail: "\(error.call): \(error.message)")
    }

    static func kind(of code: CURLcode) -> Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED:
            return .tls
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return .invalidRequest
        default:
            return .transport
        }
    }
}
