import SignalDomain

/// One notification as Pushover takes it (pushover.net/api). `user` is the resolved 30-character key.
public struct PushoverMessage: Sendable, Equatable {
    public var user: String
    public var title: String
    public var message: String
    /// −2…2; 2 is emergency (repeats until acknowledged) and needs `retry`/`expire`.
    public var priority: Int
    public var sound: String?
    /// Emergency re-alert interval and give-up time, seconds; sent only with priority 2.
    public var retry: Int
    public var expire: Int
    /// Unix seconds shown as the message time: when the level was reached (SPEC §6).
    public var timestamp: Int64?
    public var url: String?
    public var urlTitle: String?

    public init(
        user: String, title: String, message: String, priority: Int, sound: String? = nil, retry: Int = 30,
        expire: Int = 3600, timestamp: Int64? = nil, url: String? = nil, urlTitle: String? = nil
    ) {
        self.user = user
        self.title = title
        self.message = message
        self.priority = priority
        self.sound = sound
        self.retry = retry
        self.expire = expire
        self.timestamp = timestamp
        self.url = url
        self.urlTitle = urlTitle
    }

    /// Pushover's documented limits, in characters (each up to 4 UTF-8 bytes, i.e. Unicode scalars).
    public static let maxMessage = 1024
    public static let maxTitle = 250
    public static let maxURL = 512
    public static let maxURLTitle = 100

    /// The form fields in the order they are sent, limits applied. Without the token.
    public var fields: [(String, String)] {
        var f: [(String, String)] = [
            ("user", user),
            ("title", PushoverMessage.cut(title, to: PushoverMessage.maxTitle)),
            ("message", PushoverMessage.cut(message.isEmpty ? title : message, to: PushoverMessage.maxMessage)),
            ("priority", String(priority)),
        ]
        if let sound, !sound.isEmpty { f.append(("sound", sound)) }
        if priority == 2 {
            // Pushover requires both with emergency priority: retry ≥ 30 s, expire ≤ 10800 s.
            f.append(("retry", String(max(30, retry))))
            f.append(("expire", String(min(10_800, max(retry, expire)))))
        }
        if let timestamp { f.append(("timestamp", String(timestamp))) }
        if let url, url.unicodeScalars.count <= PushoverMessage.maxURL {
            f.append(("url", url))
            if let urlTitle { f.append(("url_title", PushoverMessage.cut(urlTitle, to: PushoverMessage.maxURLTitle))) }
        }
        return f
    }

    /// Cuts text to at most `limit` Unicode scalars on a character (grapheme) boundary, ending with `…`
    /// when anything was cut, so a flag or an accented letter is never split.
    public static func cut(_ text: String, to limit: Int) -> String {
        if text.unicodeScalars.count <= limit { return text }
        var out = ""
        var used = 0
        let budget = limit - 1  // room for the ellipsis
        for ch in text {
            let n = ch.unicodeScalars.count
            if used + n > budget { break }
            out.append(ch)
            used += n
        }
        return out + "…"
    }
}
