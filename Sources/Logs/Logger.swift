import Base

/// Structured logs: one JSON object per line (SPEC §8), the format Lambda's JSON log filtering reads:
///
///     {"timestamp":"2026-11-25T20:00:00.123Z","level":"INFO","message":"rows read","requestId":"…","rows":14}
///
/// A value type: `with(requestId:)` / `with(_:)` return loggers that add fields to every line, so the
/// runtime hands each invocation its own. Logging never throws. Messages and string fields pass through
/// `Redact.secrets(in:)` as a last line of defence — the rule is still never to log a secret at all.
public struct Logger: Sendable {
    public var level: LogLevel
    public private(set) var requestId: String?
    /// Fields added to every line, in order.
    public private(set) var metadata: JSONObject
    public let output: any LogOutput
    let clock: any WallClock

    public init(
        configuration: Configuration = Configuration(), output: any LogOutput = FileDescriptorOutput.standardOutput,
        clock: any WallClock = SystemClock()
    ) {
        self.level = configuration.level
        self.requestId = nil
        self.metadata = JSONObject()
        self.output = output
        self.clock = clock
    }

    public func with(requestId: String?) -> Logger {
        var copy = self
        copy.requestId = requestId
        return copy
    }

    public func with(_ fields: KeyValuePairs<String, JSONValue>) -> Logger {
        var copy = self
        for (k, v) in fields { copy.metadata[k] = v }
        return copy
    }

    public func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    public func debug(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, JSONValue> = [:]) {
        if isEnabled(.debug) { write(.debug, message(), fields) }
    }

    public func info(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, JSONValue> = [:]) {
        if isEnabled(.info) { write(.info, message(), fields) }
    }

    public func warn(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, JSONValue> = [:]) {
        if isEnabled(.warn) { write(.warn, message(), fields) }
    }

    public func error(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, JSONValue> = [:]) {
        if isEnabled(.error) { write(.error, message(), fields) }
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, fields: JSONObject) {
        guard isEnabled(level) else { return }
        write(level, message(), fields.entries)
    }

    private func write<S: Sequence<(key: String, value: JSONValue)>>(_ level: LogLevel, _ message: String, _ fields: S) {
        output.write(line: line(level, message, fields))
    }

    /// The serialised record. Reserved keys (`timestamp`, `level`, `message`, `requestId`) cannot be
    /// overwritten by fields; a colliding field is kept under `<name>_`.
    func line<S: Sequence<(key: String, value: JSONValue)>>(_ level: LogLevel, _ message: String, _ fields: S) -> [UInt8] {
        var record = JSONObject()
        record["timestamp"] = .string(UTCTime.format(clock.nowMillis(), milliseconds: true))
        record["level"] = .string(level.name)
        record["message"] = .string(Redact.secrets(in: message))
        if let requestId { record["requestId"] = .string(requestId) }
        for (k, v) in metadata.entries { Self.add(k, v, to: &record) }
        for (k, v) in fields { Self.add(k, v, to: &record) }
        return JSONValue.object(record).serializedBytes
    }

    private static func add(_ key: String, _ value: JSONValue, to record: inout JSONObject) {
        let safe: JSONValue
        if case .string(let s) = value { safe = .string(Redact.secrets(in: s)) } else { safe = value }
        let reserved = key == "timestamp" || key == "level" || key == "message" || key == "requestId"
        record[reserved ? key + "_" : key] = safe
    }
}
