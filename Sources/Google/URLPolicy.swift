/// Where a bearer token or a signed assertion may be sent: https anywhere, plain http only to this machine
/// (the local stand-ins). A key file or a variable pointing at plain http elsewhere would put credentials on
/// the wire in clear.
public enum URLPolicy {
    public static func isAcceptable(_ url: String) -> Bool {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return host(of: lower, schemeLength: 8).map { !$0.isEmpty } ?? false }
        guard lower.hasPrefix("http://"), let host = host(of: lower, schemeLength: 7) else { return false }
        return host == "localhost" || host == "[::1]" || isIPv4Loopback(host)
    }

    static func isIPv4Loopback(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && UInt8(p) != nil }
    }

    /// The host part (without port) of an absolute URL, lowercased input assumed.
    static func host(of url: String, schemeLength: Int) -> String? {
        let rest = url.dropFirst(schemeLength)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") { return nil }  // credentials in a URL: refuse rather than leak them in logs
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            return String(authority[...close])
        }
        return String(authority.prefix { $0 != ":" })
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmedWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

