/// The non-numeric columns of SPEC §2, one parser each. Blank means the column's default.
enum SheetField {
    // MARK: - What the signal is

    static func symbol(_ cell: SheetCell) throws(CellProblem) -> MarketSymbol {
        guard !cell.isBlank else { throw CellProblem("required") }
        guard case .text(let t) = cell, let m = MarketSymbol(parsing: t) else {
            throw CellProblem("not a market symbol (write BTCUSDT, BTC-USD or BTC/USDT)")
        }
        return m
    }

    static func exchange(_ cell: SheetCell) throws(CellProblem) -> Venue {
        if cell.isBlank { return .binance }
        guard case .text(let t) = cell, let v = Venue(name: t) else {
            throw CellProblem("unknown exchange (use binance, coinbase or bybit)")
        }
        return v
    }

    static func condition(_ cell: SheetCell) throws(CellProblem) -> Condition {
        guard !cell.isBlank else { throw CellProblem("required") }
        guard case .text(let t) = cell, let c = Condition(name: t) else {
            throw CellProblem("unknown condition (use above, below, pct_up, pct_down, long or short)")
        }
        return c
    }

    // MARK: - Whether it runs

    static let trueWords: Set<String> = ["true", "yes", "y", "1", "on"]
    static let falseWords: Set<String> = ["false", "no", "n", "0", "off"]

    /// Blank = active. JSON bools are checkboxes; numbers 1/0 are typed flags.
    static func active(_ cell: SheetCell) throws(CellProblem) -> Bool {
        let word: String
        switch cell {
        case .blank: return true
        case .bool(let b): return b
        case .number(let n): word = Price.normalise(n) ?? n
        case .text(let t): word = t.lowercased()
        case .other: word = ""
        }
        if trueWords.contains(word) { return true }
        if falseWords.contains(word) { return false }
        throw CellProblem("not a yes/no value (use TRUE/YES/Y/1/ON or FALSE/NO/N/0/OFF)")
    }

    /// Sheet date serials count days from 1899-12-30 (UTC here); the fraction is the time of day.
    static let serialEpochDays = UTCTime.days(year: 1899, month: 12, day: 30)
    /// 9999-12-31: anything later is not a date a sheet can hold.
    static let maxSerial = 2_958_465.0

    /// ISO date/date-time (UTC unless an offset is given) or a date serial, to the millisecond.
    static func expires(_ cell: SheetCell) throws(CellProblem) -> EpochMillis? {
        let notADate = CellProblem("not a date (use 2026-12-31, 2026-12-31T18:00:00Z or a date cell)")
        switch cell {
        case .blank: return nil
        case .number(let n):
            guard let serial = Double(n) else { throw notADate }
            return try fromSerial(serial)
        case .text(let t):
            if let ms = UTCTime.parseISO8601(t) { return ms }
            if SheetNumber.isDecimalLiteral(t), let serial = Double(t) { return try fromSerial(serial) }
            throw notADate
        case .bool, .other: throw notADate
        }
    }

    /// Rounded to the second: serials carry binary fractions (`0.1` of a day is not exact).
    static func fromSerial(_ serial: Double) throws(CellProblem) -> EpochMillis {
        guard serial.isFinite, serial >= 1, serial <= maxSerial else {
            throw CellProblem("not a date (a date serial must be between 1 and 2958465)")
        }
        let seconds = (serial * 86_400).rounded()
        return (serialEpochDays * 86_400 + Int64(seconds)) * 1000
    }

    static func repeatMode(_ cell: SheetCell) throws(CellProblem) -> Repeat {
        let problem = CellProblem("not a repeat (use once, every, or a duration such as 30m, 4h, 1d)")
        switch cell {
        case .blank: return .once
        case .text(let t):
            guard let r = Repeat(text: t) else { throw problem }
            return r
        case .number, .bool, .other: throw problem
        }
    }

    // MARK: - How it notifies

    static let builtInSounds: Set<String> = [
        "pushover", "bike", "bugle", "cashregister", "classical", "cosmic", "falling", "gamelan", "incoming",
        "intermission", "magic", "mechanical", "pianobar", "siren", "spacealarm", "tugboat", "alien", "climb",
        "persistent", "echo", "updown", "vibrate", "none",
    ]

    /// A built-in sound (any case) or a custom sound name: Pushover names are short `[A-Za-z0-9_-]`.
    static func sound(_ cell: SheetCell) throws(CellProblem) -> String? {
        if cell.isBlank { return nil }
        guard case .text(let t) = cell else { throw CellProblem("not a sound name") }
        if builtInSounds.contains(t.lowercased()) { return t.lowercased() }
        guard t.count <= 32, t.unicodeScalars.allSatisfy({ SheetText.isNameCharacter($0) }) else {
            throw CellProblem("not a sound name (letters, digits, _ and -, at most 32)")
        }
        return t
    }

    static let priorityNames = ["lowest": -2, "low": -1, "normal": 0, "high": 1, "emergency": 2]

    /// −2…2, or Pushover's names for them (`lowest` … `emergency`).
    static func priority(_ cell: SheetCell) throws(CellProblem) -> Int? {
        let problem = CellProblem("not a priority (use a whole number from -2 to 2)")
        let value: Int?
        switch cell {
        case .blank: return nil
        case .number(let n): value = JSONValue.number(n).intValue
        case .text(let t):
            if let named = priorityNames[t.lowercased()] { value = named }
            else if let p = try? SheetNumber.decimal(t), p.value == p.value.rounded(), abs(p.value) < 100 {
                value = Int(p.value)
            } else { value = nil }
        case .bool, .other: value = nil
        }
        guard let value, (-2...2).contains(value) else { throw problem }
        return value
    }

    /// A 30-character Pushover user/group key, or an alias the worker resolves from `PUSHOVER_USERS`.
    static func user(_ cell: SheetCell) throws(CellProblem) -> String? {
        let t: String
        switch cell {
        case .blank: return nil
        case .text(let text): t = text
        case .number, .bool, .other: throw CellProblem("not a user key or alias")
        }
        let alphanumeric = t.unicodeScalars.allSatisfy { SheetText.isAlphanumeric($0) }
        if alphanumeric, t.count == 30 { return t }
        if alphanumeric, (25...40).contains(t.count) {
            throw CellProblem("looks like a Pushover key but has \(t.count) characters (keys have 30)")
        }
        guard t.count <= 64, t.unicodeScalars.allSatisfy({ SheetText.isNameCharacter($0) || "@.+".unicodeScalars.contains($0) })
        else { throw CellProblem("not a user key or alias (an alias uses letters, digits and _ - . @ +, at most 64)") }
        return t
    }

    /// Longest note carried: Pushover caps the whole message at 1024 characters, and the note shares it.
    static let maxNote = 500

    /// Free text, cut on a character boundary (with `…`) rather than rejected: a long note is no reason
    /// to lose the signal.
    static func note(_ cell: SheetCell) -> String? {
        guard let t = cell.plainText else { return nil }
        return t.count <= maxNote ? t : String(t.prefix(maxNote - 1)) + "…"
    }

    // MARK: - Identity

    static let maxID = 64

    /// A trader-chosen identity: kept as written (trimmed, case-sensitive), since it keys the signal's
    /// stored state. Numbers are fine (`7` → `"7"`).
    static func id(_ cell: SheetCell) throws(CellProblem) -> String? {
        let problem = CellProblem("not an id (letters, digits, spaces and - _ . : / @ +, at most \(maxID))")
        switch cell {
        case .blank: return nil
        case .bool, .other: throw problem
        case .text, .number:
            guard let t = cell.plainText, t.count <= maxID,
                t.unicodeScalars.allSatisfy({ SheetText.isNameCharacter($0) || " .:/@+".unicodeScalars.contains($0) })
            else { throw problem }
            return t
        }
    }
}
