/// One SQS `SendMessageBatch` entry.
public struct QueueEntry: Sendable, Equatable {
    /// Unique within a batch: letters, digits, `-` and `_`, at most 80 characters.
    public let id: String
    public let body: String

    public init(id: String, body: String) {
        self.id = id
        self.body = body
    }
}

/// An entry SQS listed under `Failed` in a batch response.
public struct QueueEntryFailure: Sendable, Equatable {
    public let id: String
    public let code: String
    public let message: String
    /// SQS's `SenderFault`: true means sending the same entry again fails again.
    public let senderFault: Bool

    public init(id: String, code: String, message: String, senderFault: Bool) {
        self.id = id
        self.code = code
        self.message = message
        self.senderFault = senderFault
    }
}

/// Where the reader puts its messages. The SQS client is the real one; tests substitute a fake.
public protocol MessageQueue: Sendable {
    /// Sends at most 10 entries (≤ 256 KiB together) in one `SendMessageBatch` and returns the entries
    /// reported as `Failed`. Throws when the call as a whole failed after the client's own retries.
    func sendBatch(_ entries: [QueueEntry]) async throws -> [QueueEntryFailure]
}
