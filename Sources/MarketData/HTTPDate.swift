import SignalDomain

/// RFC 9110 IMF-fixdate (`Tue, 25 Nov 2026 20:00:00 GMT`), the form every server sends in `Date`.
/// The exchanges' `Date` header is their clock, which SPEC §3 makes the source of "now".
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> EpochMillis? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[5].uppercased() == "GMT",
            let day = Int(parts[1]), let month = months.firstIndex(of: parts[2].lowercased()), let year = Int(parts[3])
        else { return nil }
        let hms = parts[4].split(separator: ":")
        guard hms.count == 3, let h = Int(hms[0]), let m = Int(hms[1]), let s = Int(hms[2]),
            (1...31).contains(day), (1970...9999).contains(year), h >= 0, h < 24, m >= 0, m < 60, s >= 0, s < 61
        else { return nil }
        let days = UTCTime.days(year: year, month: month + 1, day: day)
        return (days * 86400 + Int64(h * 3600 + m * 60 + min(s, 59))) * 1000
    }
}
