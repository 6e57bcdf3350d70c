import Base
import OpenSSLCrypto

// MARK: - Wire form: `{"S": "x"}`, `{"N": "1.5"}`, `{"B": "<base64>"}`, `{"M": {…}}`, `{"L": […]}`, …

extension AttributeValue {
    public var json: JSONValue {
        switch self {
        case .s(let s): return ["S": .string(s)]
        case .n(let n): return ["N": .string(n)]
        case .b(let b): return ["B": .string(Base64.encode(b))]
        case .bool(let b): return ["BOOL": .bool(b)]
        case .null: return ["NULL": true]
        case .m(let m): return ["M": AttributeValue.json(item: m)]
        case .l(let l): return ["L": .array(l.map(\.json))]
        case .ss(let s): return ["SS": .array(s.map(JSONValue.string))]
        case .ns(let s): return ["NS": .array(s.map(JSONValue.string))]
        case .bs(let s): return ["BS": .array(s.map { .string(Base64.encode($0)) })]
        }
    }

    /// An item as a JSON object, keys sorted so that the same item always serialises the same way.
    public static func json(item: DynamoDBItem) -> JSONValue {
        .object(JSONObject(item.keys.sorted().map { ($0, item[$0]!.json) }))
    }

    public init(json: JSONValue) throws(AttributeValueError) {
        guard let object = json.objectValue, object.count == 1, let (tag, value) = object.entries.first else {
            throw AttributeValueError(reason: "an attribute value is an object with exactly one type key")
        }
        func strings() throws(AttributeValueError) -> [String] {
            guard let array = value.arrayValue else { throw AttributeValueError(reason: "\(tag) must be an array") }
            var out: [String] = []
            for element in array {
                guard let s = element.stringValue else { throw AttributeValueError(reason: "\(tag) holds strings") }
                out.append(s)
            }
            return out
        }
        func binary(_ text: String) throws(AttributeValueError) -> [UInt8] {
            guard let bytes = Base64.decode(text) else { throw AttributeValueError(reason: "B is not base64") }
            return bytes
        }
        switch tag {
        case "S":
            guard let s = value.stringValue else { throw AttributeValueError(reason: "S must be a string") }
            self = .s(s)
        case "N":
            // DynamoDB sends numbers as strings; accept a bare JSON number too (its text is kept exactly).
            guard let n = value.stringValue ?? value.numberText else { throw AttributeValueError(reason: "N must be a string") }
            self = .n(n)
        case "B":
            guard let s = value.stringValue else { throw AttributeValueError(reason: "B must be a string") }
            self = .b(try binary(s))
        case "BOOL":
            guard let b = value.boolValue else { throw AttributeValueError(reason: "BOOL must be true or false") }
            self = .bool(b)
        case "NULL":
            self = .null
        case "M":
            guard value.objectValue != nil else { throw AttributeValueError(reason: "M must be an object") }
            self = .m(try AttributeValue.item(json: value))
        case "L":
            guard let array = value.arrayValue else { throw AttributeValueError(reason: "L must be an array") }
            var out: [AttributeValue] = []
            for (i, element) in array.enumerated() {
                do { out.append(try AttributeValue(json: element)) } catch { throw error.at("[\(i)]") }
            }
            self = .l(out)
        case "SS": self = .ss(try strings())
        case "NS": self = .ns(try strings())
        case "BS":
            var out: [[UInt8]] = []
            for s in try strings() { out.append(try binary(s)) }
            self = .bs(out)
        default:
            throw AttributeValueError(reason: "unknown attribute type \(tag)")
        }
    }

    /// An item from its JSON object (`{"PK": {"S": "…"}, …}`).
    public static func item(json: JSONValue) throws(AttributeValueError) -> DynamoDBItem {
        guard let object = json.objectValue else { throw AttributeValueError(reason: "an item is a JSON object") }
        var out: DynamoDBItem = [:]
        for (name, value) in object.entries {
            do { out[name] = try AttributeValue(json: value) } catch { throw error.at(name) }
        }
        return out
    }
}
