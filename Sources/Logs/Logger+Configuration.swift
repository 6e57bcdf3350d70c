import Base

extension Logger {
    public struct Configuration: Sendable {
        public var level: LogLevel
        /// Set when a level variable held something unrecognised (the caller logs a warning; logging
        /// configuration never fails start-up).
        public var unrecognisedVariable: String?

        public init(level: LogLevel = .info) {
            self.level = level
        }

        /// `LOG_LEVEL` (the function's own setting, SPEC §7) wins over Lambda's `AWS_LAMBDA_LOG_LEVEL`;
        /// default `info`.
        public init(environment: Environment) {
            self.init()
            for name in ["LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL"] {
                guard let text = environment[name] else { continue }
                if let level = LogLevel(parsing: text) {
                    self.level = level
                    return
                }
                if unrecognisedVariable == nil { unrecognisedVariable = name }
            }
        }
    }
}
