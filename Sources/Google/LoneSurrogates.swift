/// A cell cut mid-emoji by a formula (`=LEFT("🚀 go", 1)`) holds half a surrogate pair, which a JSON encoder writes
/// as a lone `\ud83d` escape; a strict parser refuses the whole body, and the whole sheet would be lost for one
/// cell (SPEC §2: a bad row never affects another). Each lone half is rewritten as `\ufffd`; pairs stay as sent.
enum LoneSurrogates {
    static func replaced(in body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = 0
        while i < body.count {
            let c = body[i]
            guard c == UInt8(ascii: "\\"), i + 1 < body.count else {
                out.append(c)
                i += 1
                continue
            }
            // Any escape is copied whole, so the `u` of an escaped backslash (`\\ud83d`) is never taken for one.
            guard body[i + 1] == UInt8(ascii: "u"), let unit = hex4(body, at: i + 2) else {
                out.append(contentsOf: body[i...(i + 1)])
                i += 2
                continue
            }
            let isHigh = (0xD800..<0xDC00).contains(unit)
            if isHigh, i + 11 < body.count, body[i + 6] == UInt8(ascii: "\\"), body[i + 7] == UInt8(ascii: "u"),
                let low = hex4(body, at: i + 8), (0xDC00..<0xE000).contains(low)
            {
                out.append(contentsOf: body[i..<(i + 12)])
                i += 12
            } else if isHigh || (0xDC00..<0xE000).contains(unit) {
                out.append(contentsOf: Array("\\ufffd".utf8))
                i += 6
            } else {
                out.append(contentsOf: body[i..<(i + 6)])
                i += 6
            }
        }
        return out
    }

    private static func hex4(_ b: [UInt8], at start: Int) -> UInt32? {
        guard start + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for k in start..<(start + 4) {
            let c = b[k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}
