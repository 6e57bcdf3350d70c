import CurlHTTP

// MARK: - Canonical request pieces (pure string work, checked stage by stage against the AWS test suite)

extension SigV4Signer {
    public static func canonicalRequest(
        method: String, path: String, query: String, canonicalHeaders: String, signedHeaders: String,
        payloadHash: String, normalizePath: Bool
    ) -> String {
        [method, encodedPath(path, normalize: normalizePath), query, canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
    }

    /// Headers a proxy or the HTTP client may add or change after signing are left out of the signature.
    static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding",
    ]

    /// Lower-cased names sorted, values trimmed with inner runs of spaces collapsed, repeated names joined by `,`.
    public static func canonicalHeaders(_ headers: HTTPHeaders) -> (canonical: String, signed: String) {
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            if unsignedHeaders.contains(lower) { continue }
            byName[lower, default: []].append(collapseSpaces(value))
        }
        let names = byName.keys.sorted()
        let canonical = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    static func collapseSpaces(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for ch in value {
            if ch == " " || ch == "\t" || ch == "\n" || ch == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(ch)
            }
        }
        return out
    }

    /// The path as written in the URL, normalised if asked, each segment URI-encoded once more (for services
    /// other than S3 an already percent-encoded path is therefore encoded twice, as AWS expects).
    public static func encodedPath(_ path: String, normalize: Bool) -> String {
        let raw = path.isEmpty ? "/" : path
        guard normalize else {
            return raw.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(String($0)) }
                .joined(separator: "/")
        }
        var stack: [Substring] = []
        let parts = raw.split(separator: "/", omittingEmptySubsequences: true)
        for part in parts {
            switch part {
            case ".": continue
            case "..": if !stack.isEmpty { stack.removeLast() }
            default: stack.append(part)
            }
        }
        var out = "/" + stack.map { uriEncode(String($0)) }.joined(separator: "/")
        if raw.hasSuffix("/"), !stack.isEmpty { out += "/" }
        return out
    }

    /// Pairs are decoded, re-encoded strictly, then sorted by name and value.
    public static func canonicalQuery(_ items: [(String, String)]) -> String {
        items.map { (uriEncode($0.0), uriEncode($0.1)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// RFC 3986 unreserved characters stay, every other byte becomes `%XX` (upper-case hex).
    public static func uriEncode(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let hex = Array("0123456789ABCDEF")
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(b)))
            default:
                out.append("%")
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return out
    }

    /// Decodes `%XX` escapes (and nothing else: `+` stays `+`, as in AWS's own canonicalisation).
    static func percentDecode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i + 2 < u.count, let h = hexValue(u[i + 1]), let l = hexValue(u[i + 2]) {
                bytes.append(h << 4 | l)
                i += 3
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// The parts of an absolute URL the signer needs. The path and query are kept as written.
struct SigV4URL {
    var scheme: String
    var host: String
    var port: Int?
    var path: String
    var query: String

    init(_ url: String) {
        var rest = Substring(url)
        if let r = rest.firstRange(of: "://") {
            scheme = rest[..<r.lowerBound].lowercased()
            rest = rest[r.upperBound...]
        } else {
            scheme = "https"
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var afterAuthority = rest[authorityEnd...]
        if let hash = afterAuthority.firstIndex(of: "#") { afterAuthority = afterAuthority[..<hash] }
        if let q = afterAuthority.firstIndex(of: "?") {
            path = String(afterAuthority[..<q])
            query = String(afterAuthority[afterAuthority.index(after: q)...])
        } else {
            path = String(afterAuthority)
            query = ""
        }
        if path.isEmpty { path = "/" }
        // A bracketed IPv6 literal keeps its colons; the port follows the closing bracket.
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]"),
            let p = Int(authority[authority.index(after: colon)...])
        {
            host = String(authority[..<colon]).lowercased()
            port = p
        } else {
            host = String(authority).lowercased()
            port = nil
        }
    }

    /// `host[:port]`, the port only when it is not the scheme's default (what curl puts in `Host`, too).
    var hostHeader: String {
        guard let port else { return host }
        if (scheme == "https" && port == 443) || (scheme == "http" && port == 80) { return host }
        return "\(host):\(port)"
    }

    var base: String { "\(scheme)://\(hostHeader)" }

    var queryItems: [(String, String)] {
        guard !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return (SigV4Signer.percentDecode(pair[..<eq]), SigV4Signer.percentDecode(pair[pair.index(after: eq)...]))
            }
            return (SigV4Signer.percentDecode(pair), "")
        }
    }
}
