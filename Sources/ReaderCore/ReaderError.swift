import Google
import LambdaRuntime

/// Why a run failed, as data. The message is what the trader reads in the Lambda error result or on
/// `reader --event`'s stderr: it says what went wrong and what to do. Never holds a secret.
public struct ReaderError: Error, Sendable, CustomStringConvertible, LambdaReportableError {
    public enum Code: String, Sendable, Equatable {
        /// The invocation's payload is not a JSON object.
        case invalidEvent
        /// The sheet could not be read (see `google` for which Google error).
        case sheetUnreadable
        /// Some valid signals could not be put on the queue.
        case enqueueFailed
    }

    public let code: Code
    public let message: String
    /// The Google failure behind `.sheetUnreadable`.
    public let google: GoogleError?

    public init(_ code: Code, _ message: String, google: GoogleError? = nil) {
        self.code = code
        self.message = message
        self.google = google
    }

    public var description: String { message }

    /// The Lambda `errorType` (reported as `Function.<type>`): a short stable name to alarm on,
    /// e.g. `SheetNotShared`, `TokenRejected`, `EnqueueFailed`.
    public var errorType: String {
        switch code {
        case .invalidEvent: return "InvalidEvent"
        case .enqueueFailed: return "EnqueueFailed"
        case .sheetUnreadable:
            guard let google else { return "SheetUnreadable" }
            let name = google.code.rawValue
            return name.prefix(1).uppercased() + name.dropFirst()
        }
    }

    static func sheet(_ error: GoogleError) -> ReaderError {
        ReaderError(.sheetUnreadable, "could not read the Google Sheet: \(error.message)", google: error)
    }
}
