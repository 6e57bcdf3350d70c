/// Time as Unix epoch milliseconds (UTC), with RFC 3339 formatting and ISO 8601 parsing.
/// Plain integers keep the domain exact and free of Foundation's calendar machinery.
public typealias EpochMillis = Int64

public enum UTCTime {
    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The civil date of a day number.
    public static func civil(days z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// `2026-11-25T20:00:00Z`, or with milliseconds `2026-11-25T20:00:00.123Z`.
    public static func format(_ ms: EpochMillis, milliseconds: Bool = false) -> String {
        let secs = floorDiv(ms, 1000)
        let millis = ms - secs * 1000
        let day = floorDiv(secs, 86400)
        let sod = secs - day * 86400
        let (y, mo, d) = civil(days: day)
        var s = pad(y, 4) + "-" + pad(mo, 2) + "-" + pad(d, 2) + "T"
        s += pad(Int(sod / 3600), 2) + ":" + pad(Int(sod % 3600 / 60), 2) + ":" + pad(Int(sod % 60), 2)
        if milliseconds { s += "." + pad(Int(millis), 3) }
        return s + "Z"
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff…]]` with `Z`, `±HH:MM`, `±HHMM` or no zone (UTC).
    /// A space may stand for `T`. Returns nil for anything else, including impossible dates.
    public static func parseISO8601(_ text: String) -> EpochMillis? {
        let u = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= u.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = u[i + k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < u.count, u[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = num(4), expect(UInt8(ascii: "-")), let mo = num(2), expect(UInt8(ascii: "-")), let d = num(2)
        else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= daysInMonth(year: y, month: mo) else { return nil }
        var ms = days(year: y, month: mo, day: d) * 86_400_000
        if i == u.count { return ms }
        guard u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") || u[i] == 0x20 else { return nil }
        i += 1
        guard let h = num(2), expect(UInt8(ascii: ":")), let mi = num(2), h < 24, mi < 60 else { return nil }
        var sec = 0
        var frac: Int64 = 0
        if expect(UInt8(ascii: ":")) {
            guard let s = num(2), s < 61 else { return nil }
            sec = min(s, 59)
            if expect(UInt8(ascii: ".")) || expect(UInt8(ascii: ",")) {
                var digits = 0
                while i < u.count, u[i] >= 0x30, u[i] <= 0x39 {
                    if digits < 3 { frac = frac * 10 + Int64(u[i] - 0x30) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                if digits < 3 { for _ in digits..<3 { frac *= 10 } }
            }
        }
        ms += Int64(h * 3600 + mi * 60 + sec) * 1000 + frac
        if i == u.count { return ms }
        if expect(UInt8(ascii: "Z")) || expect(UInt8(ascii: "z")) { return i == u.count ? ms : nil }
        let sign: Int64
        if expect(UInt8(ascii: "+")) { sign = 1 } else if expect(UInt8(ascii: "-")) { sign = -1 } else { return nil }
        guard let oh = num(2), oh <= 23 else { return nil }
        _ = expect(UInt8(ascii: ":"))
        guard let om = num(2), om < 60, i == u.count else { return nil }
        return ms - sign * Int64(oh * 3600 + om * 60) * 1000
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
