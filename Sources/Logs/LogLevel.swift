/// Severity, ordered. Written upper-case in the `level` field, the spelling Lambda's log-level filtering reads.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warn, error

    public var name: String {
        switch self {
        case .debug: return "DEBUG"
        case .info: return "INFO"
        case .warn: return "WARN"
        case .error: return "ERROR"
        }
    }

    /// Accepts the spellings of `LOG_LEVEL` and `AWS_LAMBDA_LOG_LEVEL` (`TRACE`…`FATAL`), any case.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "trace", "debug": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warn
        case "error", "fatal": self = .error
        default: return nil
        }
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}
