import SignalDomain

/// Who receives a signal's notification (SPEC §2, §7): the signal's `user` cell — a 30-character
/// user/group key, or an alias looked up in `PUSHOVER_USERS` — else `PUSHOVER_USER_KEY`.
public struct PushoverUsers: Sendable {
    public var defaultKey: String?
    public var aliases: [String: String]

    public init(defaultKey: String?, aliases: [String: String]) {
        self.defaultKey = defaultKey
        var lowered: [String: String] = [:]
        for (k, v) in aliases { lowered[k.trimmingSpaces().lowercased()] = v.trimmingSpaces() }
        self.aliases = lowered
    }

    public enum ResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The cell names an alias `PUSHOVER_USERS` does not have. Permanent for the signal.
        case unknownAlias(String)
        /// No cell and no `PUSHOVER_USER_KEY`.
        case noDefaultUser

        public var description: String {
            switch self {
            case .unknownAlias(let a): return "unknown Pushover user alias \"\(a)\" (not in PUSHOVER_USERS)"
            case .noDefaultUser: return "no Pushover user: the signal names none and PUSHOVER_USER_KEY is not set"
            }
        }
    }

    /// Pushover keys are 30 characters of `[A-Za-z0-9]`.
    public static func isKey(_ s: String) -> Bool {
        s.utf8.count == 30 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }
    }

    /// The key to send to. An alias wins over a key-shaped cell only if it is configured as an alias.
    public func resolve(_ cell: String?) throws(ResolutionError) -> String {
        let raw = cell?.trimmingSpaces() ?? ""
        if raw.isEmpty {
            guard let d = defaultKey, !d.isEmpty else { throw .noDefaultUser }
            return d
        }
        if let key = aliases[raw.lowercased()] { return key }
        if PushoverUsers.isKey(raw) { return raw }
        throw .unknownAlias(raw)
    }

    /// How a recipient is named in logs: the alias, or a key shortened to its first 4 characters.
    public static func redacted(_ cell: String?) -> String {
        let raw = cell?.trimmingSpaces() ?? ""
        if raw.isEmpty { return "default" }
        if isKey(raw) { return String(raw.prefix(4)) + "…" }
        return raw
    }
}
