/// Masks secret-looking things in free text: a last line of defence for log lines and error messages.
/// The first rule stays: never put a secret into a message in the first place.
///
/// Masked: values of secret-named keys in query/form (`token=…`, `key=…`, `X-Amz-Signature=…`), JSON
/// (`"password":"…"`) and header (`Authorization: …`) style; `Bearer …` tokens; JWTs (`eyJ….eyJ….…`);
/// PEM private-key blocks; AWS access key ids. Over-masking is preferred to a leak.
public enum Redact {
    public static let mask = "[REDACTED]"

    public static func secrets(in text: String) -> String {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            // Only these bytes can start something to mask; everything else is copied straight through.
            guard c == 0x2D || c == 0x65 || c == 0x41 || c == 0x42 || c == 0x62 || c == 0x3D || c == 0x3A else {
                out.append(c)
                i += 1
                continue
            }
            if let end = pemBlockEnd(b, i) {
                out += Array("[private key \(mask)]".utf8)
                i = end
            } else if let end = jwtEnd(b, i) {
                out += Array(mask.utf8)
                i = end
            } else if let end = awsKeyIdEnd(b, i) {
                out += Array(mask.utf8)
                i = end
            } else if let valueStart = bearerValueStart(b, i) {
                out += b[i..<valueStart]
                i = valueStart
                let end = scan(b, from: i) { !isTokenChar($0) }
                if end > i { out += Array(mask.utf8) }
                i = end
            } else if (b[i] == 0x3D || b[i] == 0x3A), isSecretKey(keyBefore(b, i)) {
                out.append(b[i])
                i = maskValue(b, from: i + 1, equalsStyle: b[i] == 0x3D, into: &out)
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Keys

    static func isSecretKey(_ key: [UInt8]) -> Bool {
        guard !key.isEmpty else { return false }
        let k = String(decoding: key.filter { $0 != 0x2D && $0 != 0x5F && $0 != 0x2E }, as: UTF8.self).lowercased()
        let exact: Set<String> = ["key", "user", "sig", "jwt", "auth", "pass", "pwd"]
        if exact.contains(k) { return true }
        for word in [
            "token", "secret", "password", "passwd", "signature", "credential", "authorization", "assertion", "cookie",
            "apikey", "userkey", "accesskey", "privatekey", "signingkey",
        ] where k.contains(word) {
            return true
        }
        return false
    }

    /// The key name just before a `=` or `:` at `sep`: `"name":`, `name=`, `Name:`.
    private static func keyBefore(_ b: [UInt8], _ sep: Int) -> [UInt8] {
        var j = sep - 1
        while j >= 0, b[j] == 0x20 { j -= 1 }
        guard j >= 0 else { return [] }
        if b[j] == 0x22 {  // JSON key, possibly escaped inside a string: \"name\":
            var end = j
            if end > 0, b[end - 1] == 0x5C { end -= 1 }
            var start = end - 1
            while start >= 0, b[start] != 0x22 { start -= 1 }
            guard start >= 0 else { return [] }
            return Array(b[(start + 1)..<end]).filter { $0 != 0x5C }
        }
        let end = j + 1
        while j >= 0, isKeyChar(b[j]) { j -= 1 }
        return Array(b[(j + 1)..<end])
    }

    // MARK: - Values

    private static func maskValue(_ b: [UInt8], from start: Int, equalsStyle: Bool, into out: inout [UInt8]) -> Int {
        var i = start
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 {
            out.append(b[i])
            i += 1
        }
        guard i < b.count else { return i }
        if b[i] == 0x7B || b[i] == 0x5B { return i }  // an object/array: its own keys get checked
        if b[i] == 0x22 {  // "value"
            out.append(0x22)
            var j = i + 1
            while j < b.count, b[j] != 0x22 { j += b[j] == 0x5C ? 2 : 1 }
            out += Array(mask.utf8)
            return min(j, b.count)
        }
        if b[i] == 0x5C, i + 1 < b.count, b[i + 1] == 0x22 {  // \"value\" inside a JSON string
            out += [0x5C, 0x22]
            var j = i + 2
            while j < b.count, !(b[j] == 0x5C && j + 1 < b.count && b[j + 1] == 0x22) { j += 1 }
            out += Array(mask.utf8)
            return j
        }
        let end = scan(b, from: i) { c in
            equalsStyle
                ? (c == 0x26 || c == 0x20 || c == 0x22 || c == 0x27 || c == 0x2C || c == 0x3B || c == 0x0A || c == 0x0D
                    || c == 0x29 || c == 0x3C || c == 0x3E || c == 0x5C)
                : (c == 0x0A || c == 0x0D || c == 0x22 || c == 0x2C || c == 0x7D || c == 0x5D || c == 0x5C)
        }
        if end > i { out += Array(mask.utf8) }
        return end
    }

    // MARK: - Shapes

    private static func pemBlockEnd(_ b: [UInt8], _ i: Int) -> Int? {
        guard starts(b, i, "-----BEGIN ") else { return nil }
        let headerEnd = min(b.count, i + 60)
        guard let tail = find(b, "PRIVATE KEY-----", from: i, before: headerEnd) else { return nil }
        guard let endMarker = find(b, "-----END ", from: tail, before: b.count) else { return b.count }
        guard let close = find(b, "-----", from: endMarker + 9, before: b.count) else { return b.count }
        return close + 5
    }

    private static func jwtEnd(_ b: [UInt8], _ i: Int) -> Int? {
        guard starts(b, i, "eyJ"), i == 0 || !isTokenChar(b[i - 1]) else { return nil }
        var j = i
        var dots = 0
        while j < b.count, isBase64URL(b[j]) || b[j] == 0x2E {
            if b[j] == 0x2E { dots += 1 }
            j += 1
        }
        return dots >= 1 && j - i > 10 ? j : nil
    }

    private static func awsKeyIdEnd(_ b: [UInt8], _ i: Int) -> Int? {
        guard starts(b, i, "AKIA") || starts(b, i, "ASIA"), i == 0 || !isKeyChar(b[i - 1]), i + 20 <= b.count else { return nil }
        for j in (i + 4)..<(i + 20) {
            let c = b[j]
            guard (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) else { return nil }
        }
        if i + 20 < b.count, isKeyChar(b[i + 20]) { return nil }
        return i + 20
    }

    private static func bearerValueStart(_ b: [UInt8], _ i: Int) -> Int? {
        guard i + 7 <= b.count, b[i] | 0x20 == 0x62, i == 0 || !isKeyChar(b[i - 1]) else { return nil }
        for (k, letter) in "earer".utf8.enumerated() where b[i + 1 + k] | 0x20 != letter { return nil }
        return b[i + 6] == 0x20 ? i + 7 : nil
    }

    // MARK: - Bytes

    private static func isKeyChar(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D || c == 0x2E
    }

    private static func isBase64URL(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
    }

    private static func isTokenChar(_ c: UInt8) -> Bool {
        isBase64URL(c) || c == 0x2E || c == 0x2B || c == 0x2F || c == 0x3D || c == 0x7E
    }

    private static func scan(_ b: [UInt8], from i: Int, until stop: (UInt8) -> Bool) -> Int {
        var j = i
        while j < b.count, !stop(b[j]) { j += 1 }
        return j
    }

    private static func starts(_ b: [UInt8], _ i: Int, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        return s.withUTF8Buffer { p in (0..<n).allSatisfy { b[i + $0] == p[$0] } }
    }

    private static func find(_ b: [UInt8], _ s: StaticString, from: Int, before limit: Int) -> Int? {
        var j = from
        while j + s.utf8CodeUnitCount <= limit {
            if starts(b, j, s) { return j }
            j += 1
        }
        return nil
    }
}
