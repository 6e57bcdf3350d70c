import Base
import SignalDomain

/// Which scheduled run this invocation is: the EventBridge event's `id` and `time` (SPEC §4 `run`), or for
/// any other JSON object (a manual `aws lambda invoke`, `reader --event`), the invocation's request id
/// and the time the invocation started.
public struct RunInfo: Sendable, Equatable {
    public let id: String
    public let time: EpochMillis

    public init(id: String, time: EpochMillis) {
        self.id = id
        self.time = time
    }

    /// `2026-11-25T20:00:00Z` (milliseconds only when there are some).
    public var timeText: String { UTCTime.format(time, milliseconds: time % 1000 != 0) }

    public var json: JSONValue { ["id": .string(id), "time": .string(timeText)] }

    /// Reads the event. An EventBridge scheduled event looks like
    /// `{"version":"0","id":"…","detail-type":"Scheduled Event","source":"aws.events","time":"2026-11-25T20:00:00Z",…}`;
    /// from any object a usable string `id` and ISO `time` are taken, the fallbacks fill what is missing.
    /// An empty invocation body counts as `{}`. Anything but an object is `ReaderError.invalidEvent`.
    public static func from(event bytes: [UInt8], requestID: String, invokedAt: EpochMillis) throws(ReaderError) -> RunInfo {
        let isBlank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if isBlank { return RunInfo(id: requestID, time: invokedAt) }
        let event: JSONValue
        do { event = try JSONValue.parse(bytes) } catch {
            throw ReaderError(.invalidEvent, "the event is not JSON (\(error)); the reader expects an EventBridge scheduled event or a JSON object")
        }
        guard let object = event.objectValue else {
            throw ReaderError(.invalidEvent, "the event is not a JSON object; the reader expects an EventBridge scheduled event or a JSON object")
        }
        var id = requestID
        if let given = object["id"]?.stringValue?.trimmingSpaces(), !given.isEmpty, given.utf8.count <= 256 {
            id = given
        }
        var time = invokedAt
        if let text = object["time"]?.stringValue, let parsed = UTCTime.parseISO8601(text) { time = parsed }
        return RunInfo(id: id, time: time)
    }
}
