import AWS
import Base
import Pushover
import SignalDomain

/// Everything the worker reads from its environment (SPEC §7), read once at start-up. A missing or
/// malformed variable is a `ConfigurationError` naming it (never quoting its value).
public struct WorkerConfiguration: Sendable {
    public var tableName: String
    /// `ALERTS_DRY_RUN=1`: evaluate and record, log notifications instead of sending them.
    public var dryRun: Bool
    /// `TRADING_ALERT_PUSHOVER_API_TOKEN` (empty only in a dry run).
    public var pushoverToken: String
    public var pushoverURL: String
    public var users: PushoverUsers
    public var defaultPriority: Int
    public var emergencyRetry: Int
    public var emergencyExpire: Int
    public var defaultSound: String
    /// `FALLBACK_EXCHANGES`, in order.
    public var fallbacks: [Venue]
    public var venueURLs: [Venue: String]
    /// Records processed at once (`WORKER_CONCURRENCY`, default 4).
    public var concurrency: Int
    public var aws: AWSConfiguration

    public static let defaultURLs: [Venue: String] = [
        .binance: "https://api.binance.com", .coinbase: "https://api.exchange.coinbase.com",
        .bybit: "https://api.bybit.com",
    ]

    public init(environment env: Environment) throws(ConfigurationError) {
        tableName = try env.required("DYNAMODB_TABLE_NAME")
        dryRun = try env.bool("ALERTS_DRY_RUN", default: false)
        if let token = env["TRADING_ALERT_PUSHOVER_API_TOKEN"] {
            pushoverToken = token
        } else if dryRun {
            pushoverToken = ""
        } else {
            throw .invalid("TRADING_ALERT_PUSHOVER_API_TOKEN", "is required unless ALERTS_DRY_RUN=1")
        }
        pushoverURL = try WorkerConfiguration.url(env, "PUSHOVER_API_URL", default: "https://api.pushover.net")
        let defaultKey = env["PUSHOVER_USER_KEY"]
        if let defaultKey, !PushoverUsers.isKey(defaultKey) {
            throw .invalid("PUSHOVER_USER_KEY", "expected a 30-character Pushover user or group key")
        }
        users = PushoverUsers(defaultKey: defaultKey, aliases: try WorkerConfiguration.aliases(env))
        defaultPriority = try env.int("PUSHOVER_PRIORITY", default: 2, in: -2...2)
        emergencyRetry = try env.int("PUSHOVER_RETRY", default: 30, in: 30...10_800)
        emergencyExpire = try env.int("PUSHOVER_EXPIRE", default: 3600, in: 30...10_800)
        defaultSound = env["PUSHOVER_SOUND"] ?? "persistent"
        fallbacks = try WorkerConfiguration.venues(env, "FALLBACK_EXCHANGES")
        var urls: [Venue: String] = [:]
        for (venue, name) in [(Venue.binance, "BINANCE_API_URL"), (.coinbase, "COINBASE_API_URL"), (.bybit, "BYBIT_API_URL")] {
            urls[venue] = try WorkerConfiguration.url(env, name, default: WorkerConfiguration.defaultURLs[venue]!)
        }
        venueURLs = urls
        concurrency = try env.int("WORKER_CONCURRENCY", default: 4, in: 1...32)
        aws = try AWSConfiguration(environment: env)
    }

    static func url(_ env: Environment, _ name: String, default value: String) throws(ConfigurationError) -> String {
        guard let v = env[name]?.trimmingSpaces() else { return value }
        let lower = v.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), v.count > 8, !v.contains(" ") else {
            throw .invalid(name, "expected an http:// or https:// URL")
        }
        return v
    }

    /// `binance,coinbase` (spaces and empty items ignored); an unknown venue is an error.
    static func venues(_ env: Environment, _ name: String) throws(ConfigurationError) -> [Venue] {
        guard let text = env[name] else { return [] }
        var out: [Venue] = []
        for item in text.split(separator: ",") {
            let raw = String(item).trimmingSpaces()
            if raw.isEmpty { continue }
            guard let v = Venue(name: raw) else {
                throw .invalid(name, "\"\(raw)\" is not one of binance, coinbase, bybit")
            }
            if !out.contains(v) { out.append(v) }
        }
        return out
    }

    /// `PUSHOVER_USERS`: a JSON object alias → 30-character key.
    static func aliases(_ env: Environment) throws(ConfigurationError) -> [String: String] {
        guard let text = env["PUSHOVER_USERS"] else { return [:] }
        guard let json = try? JSONValue.parse(text), let object = json.objectValue else {
            throw .invalid("PUSHOVER_USERS", "expected a JSON object of alias to user key")
        }
        var out: [String: String] = [:]
        for (alias, value) in object.entries {
            guard let key = value.stringValue, PushoverUsers.isKey(key) else {
                throw .invalid("PUSHOVER_USERS", "the value for alias \"\(alias)\" is not a 30-character user key")
            }
            out[alias] = key
        }
        return out
    }
}
