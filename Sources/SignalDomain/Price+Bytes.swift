/// A fast way in for prices read off the wire: exchanges send plain decimals (`"64000.01000000"`,
/// `0.1867`), thousands of them per response, and the general `init?(_ literal: String)` (exponents,
/// signs, re-assembly through arrays) is the bulk of reading a day of candles. This path takes the bytes
/// as they sit in the response and only trims zeros; anything else goes through the general parser.
extension Price {
    /// Parses `[-]digits[.digits]` (or an exponent form, via the general path) from UTF-8 bytes.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0, n <= 64 else {
            guard n > 0, n <= 400 else { return nil }
            self.init(String(decoding: bytes, as: UTF8.self))
            return
        }
        var i = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let intStart = i
        while i < n, bytes[i] &- 0x30 < 10 { i += 1 }
        let intEnd = i
        var fracStart = i
        var fracEnd = i
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            while i < n, bytes[i] &- 0x30 < 10 { i += 1 }
            fracEnd = i
        }
        guard i == n, intEnd > intStart || fracEnd > fracStart else {
            // Exponents, a leading `+`, anything unusual: the general parser decides.
            self.init(String(decoding: bytes, as: UTF8.self))
            return
        }
        var a = intStart
        while a < intEnd - 1, bytes[a] == UInt8(ascii: "0") { a += 1 }
        var f = fracEnd
        while f > fracStart, bytes[f - 1] == UInt8(ascii: "0") { f -= 1 }
        let intIsZero = intEnd == intStart || (intEnd - a == 1 && bytes[a] == UInt8(ascii: "0"))
        let isZero = intIsZero && f == fracStart
        // Canonical text: [-]int[.frac] with "0" for an empty integer part, written straight into the
        // string's storage (short prices stay inline, no allocation).
        let text = String(unsafeUninitializedCapacity: n + 1) { out in
            var k = 0
            if negative && !isZero {
                out[k] = UInt8(ascii: "-")
                k += 1
            }
            if intEnd == intStart {
                out[k] = UInt8(ascii: "0")
                k += 1
            } else {
                for j in a..<intEnd {
                    out[k] = bytes[j]
                    k += 1
                }
            }
            if f > fracStart {
                out[k] = UInt8(ascii: ".")
                k += 1
                for j in fracStart..<f {
                    out[k] = bytes[j]
                    k += 1
                }
            }
            return k
        }
        let value: Double
        if let fast = Price.fastValue(bytes, intStart: a, intEnd: intEnd, fracStart: fracStart, fracEnd: f) {
            value = negative ? -fast : fast
        } else {
            guard let v = Double(text), v.isFinite else { return nil }
            value = v
        }
        self.init(canonical: text, value: value)
    }

    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { x, _ in x * 10 } }

    /// The decimal's double without `strtod` when that is exact: at most 15 significant digits and at most
    /// 22 decimals make the mantissa and the power of ten exactly representable, and one IEEE division
    /// is then correctly rounded — the same double `Double(text)` gives. nil otherwise.
    @inline(__always)
    static func fastValue(
        _ b: UnsafeBufferPointer<UInt8>, intStart: Int, intEnd: Int, fracStart: Int, fracEnd: Int
    ) -> Double? {
        let decimals = fracEnd - fracStart
        guard (intEnd - intStart) + decimals <= 15, decimals <= 22 else { return nil }
        var m: UInt64 = 0
        var j = intStart
        while j < intEnd {
            m = m &* 10 &+ UInt64(b[j] &- 0x30)
            j += 1
        }
        j = fracStart
        while j < fracEnd {
            m = m &* 10 &+ UInt64(b[j] &- 0x30)
            j += 1
        }
        return Double(m) / powersOfTen[decimals]
    }

    /// Text already in canonical form and its value (callers above guarantee both).
    init(canonical text: String, value: Double) {
        self.text = text
        self.value = value
    }
}
