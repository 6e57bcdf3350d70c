/// Just enough URL parsing to name a request's target in an error message without leaking anything else:
/// the userinfo (credentials) and the query (tokens, API keys) never leave this file.
enum URLParts {
    /// `host[:port]` of an absolute URL, lower-cased; "" when there is none.
    static func hostPort(of url: String) -> String {
        guard let authority = authority(of: url) else { return "" }
        let afterUserinfo = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority[...]
        return afterUserinfo.lowercased()
    }

    /// The URL's scheme, lower-cased (`https`), or nil.
    static func scheme(of url: String) -> String? {
        guard let r = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<r.lowerBound]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        return scheme.lowercased()
    }

    /// Removes every part of `url` other than scheme and host[:port] from `text`, e.g. curl's error buffer,
    /// which can quote the URL.
    static func scrub(_ text: String, url: String) -> String {
        var out = text
        if let r = url.firstRange(of: "://") {
            let rest = url[r.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            let tail = String(rest[authorityEnd...])
            if tail.count > 1 { out = out.replacing(tail, with: "/…") }
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                let userinfo = String(authority[..<at])
                if !userinfo.isEmpty { out = out.replacing(userinfo + "@", with: "") }
            }
        }
        return out
    }

    private static func authority(of url: String) -> Substring? {
        guard let r = url.firstRange(of: "://") else { return nil }
        let rest = url[r.upperBound...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        return rest[..<end]
    }
}
