/// Why a message body cannot be read. The worker reports such a message as a batch item failure so
/// it reaches the dead-letter queue (SPEC §5); `kind` lets it tell the cases apart without strings.
public struct SignalMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case notJSON
        /// JSON, but not an object.
        case notAnObject
        /// `version` is not one this code reads.
        case unknownVersion
        /// A required field is absent (or, for `signal.id`, empty).
        case missingField
        /// A field is present with a wrong type or value.
        case badField
    }

    public let kind: Kind
    /// Dotted path of the field (`signal.take_profit`), nil for whole-body problems.
    public let field: String?
    public let detail: String

    public var description: String {
        switch kind {
        case .notJSON: return "message body is not JSON: \(detail)"
        case .notAnObject: return "message body is not a JSON object"
        case .unknownVersion: return "unknown message version \(detail) (this code reads version \(SignalMessage.version))"
        case .missingField: return "message has no \(field ?? "?")"
        case .badField: return "message field \(field ?? "?") \(detail)"
        }
    }

    static func notJSON(_ detail: String) -> Self { .init(kind: .notJSON, field: nil, detail: detail) }
    static let notAnObject = Self(kind: .notAnObject, field: nil, detail: "")
    static func unknownVersion(_ shown: String) -> Self { .init(kind: .unknownVersion, field: "version", detail: shown) }
    static func missing(_ field: String) -> Self { .init(kind: .missingField, field: field, detail: "") }
    static func bad(_ field: String, _ detail: String) -> Self { .init(kind: .badField, field: field, detail: detail) }
}
