// MARK: - What DynamoDB rejects, caught before sending
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html

extension AttributeValue {
    /// Throws for: an `N` that is not a number DynamoDB can store; an empty set, or one with duplicates.
    /// Empty strings and binaries are allowed here (DynamoDB accepts them outside keys; see `validateKey`).
    public func validate() throws(AttributeValueError) {
        switch self {
        case .s, .b, .bool, .null:
            return
        case .n(let text):
            try AttributeValue.validateNumber(text)
        case .m(let m):
            for (name, value) in m {
                do { try value.validate() } catch { throw error.at(name) }
            }
        case .l(let l):
            for (i, value) in l.enumerated() {
                do { try value.validate() } catch { throw error.at("[\(i)]") }
            }
        case .ss(let set):
            try AttributeValue.validateSet(set, "SS")
        case .ns(let set):
            try AttributeValue.validateSet(set, "NS")
            for n in set { try AttributeValue.validateNumber(n) }
        case .bs(let set):
            try AttributeValue.validateSet(set, "BS")
        }
    }

    static func validateSet<T: Hashable>(_ set: [T], _ tag: String) throws(AttributeValueError) {
        guard !set.isEmpty else { throw AttributeValueError(reason: "an empty \(tag) set is not allowed") }
        guard Set(set).count == set.count else { throw AttributeValueError(reason: "\(tag) set holds duplicates") }
    }

    /// `-?digits[.digits][e±digits]` (or `.digits`), at most 38 significant digits, and a non-zero magnitude within
    /// 1e-130 ..< 1e126.
    public static func validateNumber(_ text: String) throws(AttributeValueError) {
        let bad = AttributeValueError(reason: "N \"\(text.prefix(40))\" is not a number")
        var u = Substring(text).utf8[...]
        if u.first == UInt8(ascii: "-") || u.first == UInt8(ascii: "+") { u = u.dropFirst() }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        let intPart = u.prefix { isDigit($0) }
        u = u.dropFirst(intPart.count)
        var fracPart = Substring("").utf8[...]
        if u.first == UInt8(ascii: ".") {
            u = u.dropFirst()
            fracPart = u.prefix { isDigit($0) }
            u = u.dropFirst(fracPart.count)
            guard !fracPart.isEmpty || !intPart.isEmpty else { throw bad }
        }
        guard !intPart.isEmpty || !fracPart.isEmpty else { throw bad }
        var exponent = 0
        if u.first == UInt8(ascii: "e") || u.first == UInt8(ascii: "E") {
            u = u.dropFirst()
            var negative = false
            if u.first == UInt8(ascii: "-") || u.first == UInt8(ascii: "+") {
                negative = u.first == UInt8(ascii: "-")
                u = u.dropFirst()
            }
            let digits = u.prefix { isDigit($0) }
            guard !digits.isEmpty, digits.count <= 6 else { throw bad }
            u = u.dropFirst(digits.count)
            exponent = Int(String(Substring(digits)))! * (negative ? -1 : 1)
        }
        guard u.isEmpty else { throw bad }

        // Significant digits and the decimal exponent of the leading one.
        let all = Array(intPart) + Array(fracPart)
        guard let firstNonZero = all.firstIndex(where: { $0 != 0x30 }) else { return }  // zero
        let lastNonZero = all.lastIndex(where: { $0 != 0x30 })!
        guard lastNonZero - firstNonZero + 1 <= 38 else {
            throw AttributeValueError(reason: "N \"\(text.prefix(40))\" has more than 38 significant digits")
        }
        let magnitude = intPart.count - 1 - firstNonZero + exponent  // 10^magnitude <= |x| < 10^(magnitude+1)
        guard magnitude >= -130, magnitude <= 125 else {
            throw AttributeValueError(reason: "N \"\(text.prefix(40))\" is out of DynamoDB's range")
        }
    }

    /// Key attributes must be a non-empty S, N or B.
    public static func validateKey(_ key: DynamoDBItem) throws(AttributeValueError) {
        guard !key.isEmpty else { throw AttributeValueError(reason: "a key needs at least one attribute") }
        for (name, value) in key {
            switch value {
            case .s(let s):
                if s.isEmpty { throw AttributeValueError(path: name, reason: "a key attribute cannot be empty") }
            case .b(let b):
                if b.isEmpty { throw AttributeValueError(path: name, reason: "a key attribute cannot be empty") }
            case .n(let n):
                do { try validateNumber(n) } catch { throw error.at(name) }
            default:
                throw AttributeValueError(path: name, reason: "a key attribute must be S, N or B")
            }
        }
    }

    public static func validate(item: DynamoDBItem) throws(AttributeValueError) {
        for (name, value) in item {
            do { try value.validate() } catch { throw error.at(name) }
        }
    }
}
