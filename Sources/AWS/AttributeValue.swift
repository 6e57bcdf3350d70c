/// A DynamoDB attribute value. Numbers are exact decimal text (`N: "0.1867"`), never a Double, so prices and
/// counters survive a round trip unchanged. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
public indirect enum AttributeValue: Sendable, Equatable {
    case s(String)
    /// Decimal text as DynamoDB accepts it: up to 38 significant digits, magnitude 1e-130 ..< 1e126.
    case n(String)
    case b([UInt8])
    case bool(Bool)
    case null
    case m([String: AttributeValue])
    case l([AttributeValue])
    case ss([String])
    case ns([String])
    case bs([[UInt8]])
}

/// An item or a key: attribute name → value.
public typealias DynamoDBItem = [String: AttributeValue]

extension AttributeValue {
    /// A number from validated decimal text (`"65000"`, `"-0.000123"`, `"1.5e3"`).
    public static func number(_ text: String) throws(AttributeValueError) -> AttributeValue {
        let v = AttributeValue.n(text)
        try v.validate()
        return v
    }

    public static func int<I: BinaryInteger>(_ v: I) -> AttributeValue { .n(String(v)) }

    public var stringValue: String? { if case .s(let s) = self { return s }; return nil }
    public var numberText: String? { if case .n(let n) = self { return n }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var mapValue: DynamoDBItem? { if case .m(let m) = self { return m }; return nil }
    public var listValue: [AttributeValue]? { if case .l(let l) = self { return l }; return nil }
    public var stringSetValue: [String]? { if case .ss(let s) = self { return s }; return nil }
    public var numberSetValue: [String]? { if case .ns(let s) = self { return s }; return nil }
    public var binaryValue: [UInt8]? { if case .b(let b) = self { return b }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// An integer `N` (`"12"`; not `"1.5"`), or nil.
    public var int64Value: Int64? { numberText.flatMap { Int64($0) } }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .s(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .n(String(value)) }
}

/// A value DynamoDB would reject (or a response that is not an attribute value), with where it sits.
public struct AttributeValueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `item.levels[2]`-style location, empty at the top.
    public var path: String
    public var reason: String

    public init(path: String = "", reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }

    func at(_ component: String) -> AttributeValueError {
        AttributeValueError(path: path.isEmpty ? component : component + (path.hasPrefix("[") ? "" : ".") + path, reason: reason)
    }
}
