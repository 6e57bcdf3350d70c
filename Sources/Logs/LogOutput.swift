import Base

/// Where finished log lines go. Implementations never throw and never block for long.
public protocol LogOutput: Sendable {
    /// One complete line, without its newline.
    func write(line: [UInt8])
}

/// Keeps lines in memory, for tests (any module's) that assert what was logged.
public final class LogCapture: LogOutput, @unchecked Sendable {
    private let lock = Mutex()
    private var stored: [String] = []

    public init() {}

    public func write(line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        lock.withLock { stored.append(text) }
    }

    public var lines: [String] { lock.withLock { stored } }

    /// Every line parsed as JSON (a line that is not JSON is a bug the tests should see).
    public func records() throws -> [JSONValue] { try lines.map { try JSONValue.parse($0) } }
}
