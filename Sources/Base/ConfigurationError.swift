/// A missing or malformed setting. Thrown by every `Configuration(environment:)` in the project; the Lambda
/// runtime reports it through `/runtime/init/error` (SPEC §7). The message names the variable and never
/// repeats its value, which may be a secret.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(String)
    /// The variable and why its value is unusable (the reason must not quote the value).
    case invalid(String, String)

    /// The environment variable at fault.
    public var variable: String {
        switch self {
        case .missing(let name), .invalid(let name, _): return name
        }
    }

    public var description: String {
        switch self {
        case .missing(let name): return "missing required environment variable \(name)"
        // Not "NAME: reason": the secret masking on error messages would read that as a secret-named key and
        // hide the reason (`TRADING_ALERT_PUSHOVER_API_TOKEN: [REDACTED]`).
        case .invalid(let name, let reason): return "environment variable \(name) has an invalid value: \(reason)"
        }
    }
}
