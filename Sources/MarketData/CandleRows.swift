import SignalDomain

/// Reads the big part of a candle response — an array of arrays of numbers or numeric strings — straight
/// from the bytes, without building a JSON tree: a day of candles is ~200 KB and most of the worker's CPU
/// would otherwise go into JSON values that are thrown away at once. Anything unexpected (escapes, nested
/// values, bad syntax) returns nil and the caller falls back to the full JSON parser.
enum CandleRows {
    /// For each row of `[[v0, v1, …], …]` starting at `start`, the byte ranges of its first `fields` values
    /// (strings without their quotes), flattened: row r, field f at `[(r * fields + f) * 2]`.
    static func scan(_ b: UnsafeBufferPointer<UInt8>, from start: Int = 0, fields: Int) -> [Int]? {
        var i = start
        let n = b.count
        @inline(__always) func skipSpace() {
            while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }
        skipSpace()
        guard i < n, b[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        var out: [Int] = []
        out.reserveCapacity(1024 * fields * 2)
        skipSpace()
        if i < n, b[i] == UInt8(ascii: "]") { return out }
        while true {
            skipSpace()
            guard i < n, b[i] == UInt8(ascii: "[") else { return nil }
            i += 1
            var f = 0
            while true {
                skipSpace()
                guard i < n else { return nil }
                let s: Int
                let e: Int
                if b[i] == UInt8(ascii: "\"") {
                    i += 1
                    s = i
                    while i < n, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") { i += 1 }
                    guard i < n, b[i] == UInt8(ascii: "\"") else { return nil }
                    e = i
                    i += 1
                } else {
                    s = i
                    while i < n, isScalarByte(b[i]) { i += 1 }
                    e = i
                    guard e > s else { return nil }
                }
                if f < fields {
                    out.append(s)
                    out.append(e)
                }
                f += 1
                skipSpace()
                guard i < n else { return nil }
                if b[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard b[i] == UInt8(ascii: "]"), f >= fields else { return nil }
                i += 1
                break
            }
            skipSpace()
            guard i < n else { return nil }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard b[i] == UInt8(ascii: "]") else { return nil }
            return out
        }
    }

    /// Bytes of a bare JSON number or literal.
    @inline(__always) static func isScalarByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || (c >= 0x61 && c <= 0x7A)
    }

    static func int64(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int64? {
        guard e > s, e - s <= 18 else { return nil }
        var v: Int64 = 0
        for j in s..<e {
            let d = b[j] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int64(d)
        }
        return v
    }

    static func price(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Price? {
        Price(utf8: UnsafeBufferPointer(rebasing: b[s..<e]))
    }

    /// Candles from rows whose first five values are time, then four prices in `order` (indices of
    /// open, high, low, close among values 1…4). `timeScale` turns the time into milliseconds.
    static func candles(
        _ body: [UInt8], from start: Int = 0, timeScale: Int64, order: (open: Int, high: Int, low: Int, close: Int),
        interval: CandleInterval
    ) -> [Candle]? {
        body.withUnsafeBufferPointer { b -> [Candle]? in
            guard let r = scan(b, from: start, fields: 5) else { return nil }
            let rows = r.count / 10
            var out: [Candle] = []
            out.reserveCapacity(rows)
            for row in 0..<rows {
                let base = row * 10
                func field(_ k: Int) -> Price? { price(b, r[base + 2 * k], r[base + 2 * k + 1]) }
                guard let t = int64(b, r[base], r[base + 1]), t < Int64.max / timeScale, let o = field(order.open),
                    let h = field(order.high),
                    let l = field(order.low), let c = field(order.close)
                else { return nil }
                out.append(Candle(openTime: t * timeScale, interval: interval, open: o, high: h, low: l, close: c))
            }
            return out
        }
    }
}
