/// A price or level: the exact decimal text (normalised: no exponent, no sign for zero, no trailing
/// zeros, so `50,000.00` and `50000` are the same level) and its double for comparisons. Both sides of
/// every comparison come from the same correctly-rounded decimal parse, so equal texts compare equal.
public struct Price: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String
    public let value: Double

    /// Accepts a plain decimal literal (`65000`, `-1.5`, `0.000123`, `1.2e-5`). nil for anything else,
    /// for non-finite values and for exponents beyond ±60 (no price needs them; hostile input does).
    public init?(_ literal: String) {
        guard let normalised = Price.normalise(literal), let v = Double(normalised), v.isFinite else { return nil }
        text = normalised
        value = v
    }

    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.init(String(value))
    }

    public var description: String { text }
    public var isPositive: Bool { value > 0 }

    public static func < (a: Price, b: Price) -> Bool { a.value < b.value }
    public static func == (a: Price, b: Price) -> Bool { a.text == b.text }
    public func hash(into h: inout Hasher) { h.combine(text) }

    /// Canonical decimal text of a literal, or nil when it is not one.
    public static func normalise(_ literal: String) -> String? {
        var u = Array(literal.utf8)
        guard !u.isEmpty, u.count <= 400 else { return nil }
        var negative = false
        if u[0] == UInt8(ascii: "-") || u[0] == UInt8(ascii: "+") {
            negative = u[0] == UInt8(ascii: "-")
            u.removeFirst()
        }
        var intDigits: [UInt8] = []
        var fracDigits: [UInt8] = []
        var i = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        while i < u.count, isDigit(u[i]) { intDigits.append(u[i]); i += 1 }
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            while i < u.count, isDigit(u[i]) { fracDigits.append(u[i]); i += 1 }
        }
        guard !intDigits.isEmpty || !fracDigits.isEmpty else { return nil }
        var exponent = 0
        if i < u.count, u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
                expNegative = u[i] == UInt8(ascii: "-")
                i += 1
            }
            var digits = 0
            while i < u.count, isDigit(u[i]) {
                exponent = exponent * 10 + Int(u[i] - 0x30)
                digits += 1
                i += 1
                if exponent > 1000 { return nil }
            }
            guard digits > 0 else { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == u.count, abs(exponent) <= 60 else { return nil }
        // Shift the decimal point by the exponent.
        var digits = intDigits + fracDigits
        var point = intDigits.count + exponent
        if point < 0 {
            digits = [UInt8](repeating: 0x30, count: -point) + digits
            point = 0
        } else if point > digits.count {
            digits += [UInt8](repeating: 0x30, count: point - digits.count)
        }
        var whole = Array(digits[0..<point])
        var frac = Array(digits[point...])
        while whole.count > 1, whole[0] == 0x30 { whole.removeFirst() }
        if whole.isEmpty { whole = [0x30] }
        while let last = frac.last, last == 0x30 { frac.removeLast() }
        var out = whole
        if !frac.isEmpty { out += [UInt8(ascii: ".")] + frac }
        let isZero = whole == [0x30] && frac.isEmpty
        if negative && !isZero { out.insert(UInt8(ascii: "-"), at: 0) }
        return String(decoding: out, as: UTF8.self)
    }
}
