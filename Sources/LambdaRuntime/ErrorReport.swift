import Base
import Logs

/// An error that chooses its own `errorType` (otherwise the Swift type name is used).
public protocol LambdaReportableError: Error {
    /// `[A-Z][a-zA-Z]+`, e.g. `SheetUnavailable`.
    var errorType: String { get }
}

/// The `{"errorMessage","errorType"}` body Lambda expects on `/error` and `/init/error`, with the
/// `Lambda-Runtime-Function-Error-Type` header value (`Function.<Name>` / `Runtime.<Name>`; the platform
/// turns anything else into `Runtime.Unknown`).
public struct ErrorReport: Sendable, Equatable {
    public enum Category: String, Sendable {
        /// The function failed an invocation (a thrown error, an oversized response).
        case function = "Function"
        /// The runtime failed (initialisation, a broken event).
        case runtime = "Runtime"
    }

    public static let maxMessageLength = 4096

    public let category: Category
    public let errorType: String
    public let errorMessage: String

    public init(category: Category, errorType: String, errorMessage: String) {
        self.category = category
        self.errorType = Self.sanitisedType(errorType)
        var message = Redact.secrets(in: errorMessage)
        if message.utf8.count > Self.maxMessageLength {
            message = String(decoding: message.utf8.prefix(Self.maxMessageLength), as: UTF8.self) + "…"
        }
        self.errorMessage = message
    }

    /// From a thrown error: its `errorType` if it is a `LambdaReportableError`, else its type's name; its
    /// description as the message (errors in this project never carry secrets; `Redact` is the backstop).
    public init(_ error: any Error, category: Category) {
        let type = (error as? any LambdaReportableError)?.errorType ?? String(describing: Swift.type(of: error))
        self.init(category: category, errorType: type, errorMessage: String(describing: error))
    }

    public static func responseTooLarge(bytes: Int, limit: Int) -> ErrorReport {
        ErrorReport(category: .function, errorType: "ResponseSizeTooLarge",
                    errorMessage: "Response payload size (\(bytes) bytes) exceeded maximum allowed payload size (\(limit) bytes).")
    }

    /// `Function.HandlerFailed`
    public var headerValue: String { "\(category.rawValue).\(errorType)" }

    public var json: JSONValue { ["errorMessage": .string(errorMessage), "errorType": .string(errorType)] }

    /// Letters only, first one upper-case, at least two: `HTTPClientError`, `Foo<Bar>` → `FooBar`.
    static func sanitisedType(_ name: String) -> String {
        var letters = String(name.unicodeScalars.filter { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") })
        if let first = letters.first, first.isLowercase { letters = first.uppercased() + letters.dropFirst() }
        return letters.count >= 2 ? letters : "Unhandled"
    }
}
