/// Compact JSON serialisation. Keys come out in the object's insertion order.
extension JSONValue {
    public var serialized: String {
        var out = ""
        out.reserveCapacity(64)
        JSONValue.write(self, into: &out)
        return out
    }

    public var serializedBytes: [UInt8] { Array(serialized.utf8) }

    static func write(_ v: JSONValue, into out: inout String) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out += "["
            for (k, e) in a.enumerated() {
                if k > 0 { out += "," }
                write(e, into: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            var first = true
            for (k, e) in o.entries {
                if !first { out += "," }
                first = false
                writeString(k, into: &out)
                out += ":"
                write(e, into: &out)
            }
            out += "}"
        }
    }

    /// Escapes quotes, backslashes and control characters; everything else passes through as UTF-8.
    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        var needsEscape = false
        for c in s.utf8 where c < 0x20 || c == 0x22 || c == 0x5C { needsEscape = true; break }
        if !needsEscape {
            out += s
        } else {
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where u.value < 0x20:
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized }
}
