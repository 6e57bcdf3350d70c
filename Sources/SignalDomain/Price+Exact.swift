/// Exact decimal comparison and the one piece of arithmetic evaluation needs (a percentage of a
/// reference). Doubles would make "the high reaches the target" depend on rounding: `100 × 1.05` is
/// `105.00000000000001`, so a high of exactly `105` would not count.
extension Price {
    /// Orders two prices by their exact decimal value. The doubles decide whenever they differ
    /// (correct rounding is monotonic); only equal doubles fall back to the text.
    public static func compareExactly(_ a: Price, _ b: Price) -> Int {
        if a.value < b.value { return -1 }
        if a.value > b.value { return 1 }
        return compareDecimalText(a.text, b.text)
    }

    /// `self >= level`, exactly.
    public func isAtOrAbove(_ level: Price) -> Bool { Price.compareExactly(self, level) >= 0 }
    /// `self <= level`, exactly.
    public func isAtOrBelow(_ level: Price) -> Bool { Price.compareExactly(self, level) <= 0 }

    public static func maxExactly(_ a: Price, _ b: Price) -> Price { compareExactly(a, b) >= 0 ? a : b }
    public static func minExactly(_ a: Price, _ b: Price) -> Price { compareExactly(a, b) <= 0 ? a : b }

    /// `reference × (100 ± percent) / 100`, computed exactly. nil when the result is not positive
    /// (a fall of 100 % or more can never be reached).
    public static func percentLevel(reference: Price, percent: Price, up: Bool) -> Price? {
        let hundred = ExactDecimal(digits: [1, 0, 0], scale: 0)
        guard let ref = ExactDecimal(reference.text), let pct = ExactDecimal(percent.text) else { return nil }
        let factor: ExactDecimal
        if up {
            factor = hundred.adding(pct)
        } else {
            guard let f = hundred.subtracting(pct) else { return nil }
            factor = f
        }
        let product = ref.multiplied(by: factor)
        let level = ExactDecimal(digits: product.digits, scale: product.scale + 2)
        guard let price = Price(level.text), price.isPositive else { return nil }
        return price
    }

    /// Compares two normalised decimal texts (no exponent, no redundant zeros, `-` for negatives).
    static func compareDecimalText(_ a: String, _ b: String) -> Int {
        let aNeg = a.hasPrefix("-")
        let bNeg = b.hasPrefix("-")
        if aNeg != bNeg { return aNeg ? -1 : 1 }
        let magnitude = compareMagnitude(Array(a.utf8.drop { $0 == UInt8(ascii: "-") }),
                                         Array(b.utf8.drop { $0 == UInt8(ascii: "-") }))
        return aNeg ? -magnitude : magnitude
    }

    private static func compareMagnitude(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let dot = UInt8(ascii: ".")
        let aInt = a.firstIndex(of: dot) ?? a.count
        let bInt = b.firstIndex(of: dot) ?? b.count
        if aInt != bInt { return aInt < bInt ? -1 : 1 }
        // Same number of integer digits: the texts compare digit by digit; without trailing zeros the
        // shorter of two texts sharing a prefix is the smaller number.
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        if a.count == b.count { return 0 }
        return a.count < b.count ? -1 : 1
    }
}

/// A non-negative decimal as base-10 digits (most significant first) and a scale (digits after the
/// point). Only what `percentLevel` needs.
struct ExactDecimal: Equatable {
    var digits: [UInt8]
    var scale: Int

    init(digits: [UInt8], scale: Int) {
        self.digits = digits
        self.scale = scale
    }

    /// From a normalised, non-negative decimal text.
    init?(_ text: String) {
        var digits: [UInt8] = []
        var scale = 0
        var afterPoint = false
        for c in text.utf8 {
            if c == UInt8(ascii: ".") {
                guard !afterPoint else { return nil }
                afterPoint = true
            } else if c >= 0x30 && c <= 0x39 {
                digits.append(c - 0x30)
                if afterPoint { scale += 1 }
            } else {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        self.init(digits: digits, scale: scale)
    }

    var text: String {
        var d = digits
        if d.count <= scale { d = [UInt8](repeating: 0, count: scale - d.count + 1) + d }
        var out = String(decoding: d[0..<(d.count - scale)].map { $0 + 0x30 }, as: UTF8.self)
        if scale > 0 { out += "." + String(decoding: d[(d.count - scale)...].map { $0 + 0x30 }, as: UTF8.self) }
        return out
    }

    /// Both operands' digits at a common scale.
    private static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> ([UInt8], [UInt8], Int) {
        let scale = max(a.scale, b.scale)
        var x = a.digits + [UInt8](repeating: 0, count: scale - a.scale)
        var y = b.digits + [UInt8](repeating: 0, count: scale - b.scale)
        let width = max(x.count, y.count)
        x = [UInt8](repeating: 0, count: width - x.count) + x
        y = [UInt8](repeating: 0, count: width - y.count) + y
        return (x, y, scale)
    }

    func adding(_ other: ExactDecimal) -> ExactDecimal {
        let (x, y, scale) = ExactDecimal.aligned(self, other)
        var out = [UInt8](repeating: 0, count: x.count + 1)
        var carry: UInt8 = 0
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            let s = x[i] + y[i] + carry
            out[i + 1] = s % 10
            carry = s / 10
        }
        out[0] = carry
        return ExactDecimal(digits: out, scale: scale)
    }

    /// `self − other`, or nil when that is not positive.
    func subtracting(_ other: ExactDecimal) -> ExactDecimal? {
        let (x, y, scale) = ExactDecimal.aligned(self, other)
        guard x.lexicographicallyPrecedes(y) == false, x != y else { return nil }
        var out = [UInt8](repeating: 0, count: x.count)
        var borrow = 0
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            var d = Int(x[i]) - Int(y[i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 10 }
            out[i] = UInt8(d)
        }
        return ExactDecimal(digits: out, scale: scale)
    }

    func multiplied(by other: ExactDecimal) -> ExactDecimal {
        var acc = [Int](repeating: 0, count: digits.count + other.digits.count)
        for (i, a) in digits.reversed().enumerated() {
            for (j, b) in other.digits.reversed().enumerated() { acc[i + j] += Int(a) * Int(b) }
        }
        var carry = 0
        for k in acc.indices {
            let v = acc[k] + carry
            acc[k] = v % 10
            carry = v / 10
        }
        return ExactDecimal(digits: acc.reversed().map { UInt8($0) }, scale: scale + other.scale)
    }
}
