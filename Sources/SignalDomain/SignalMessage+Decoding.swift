/// Reading a message body back (worker side). Strict about the signal — identity, venue, market,
/// condition and the levels it needs — and lenient about what the worker does not need (`run`,
/// `sheet` may be absent; fields that do not apply to the condition and unknown fields are ignored).
extension SignalMessage {
    public init(body: String) throws(SignalMessageError) {
        try self.init(body: Array(body.utf8))
    }

    public init(body: [UInt8]) throws(SignalMessageError) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            throw .notJSON(String(describing: error))
        }
        try self.init(json: json)
    }

    public init(json: JSONValue) throws(SignalMessageError) {
        guard case .object(let o) = json else { throw .notAnObject }
        guard let version = o["version"] else { throw .missing("version") }
        guard version.intValue == SignalMessage.version else { throw .unknownVersion(Self.shown(version)) }
        let fields = MessageFields(object: o, path: "")
        if let r = try fields.optionalObject("run") {
            run = Run(id: try r.string("id"), time: try r.time("time"))
        } else {
            run = nil
        }
        if let sh = try fields.optionalObject("sheet") {
            sheet = SheetRef(id: try sh.string("id"), row: try sh.int("row", in: 1...10_000_000))
        } else {
            sheet = nil
        }
        guard let s = try fields.optionalObject("signal") else { throw .missing("signal") }
        signal = try Self.decodeSignal(s)
    }

    static func decodeSignal(_ f: MessageFields) throws(SignalMessageError) -> Signal {
        let id = try f.string("id")
        // Absent: binance, the sheet's default (SPEC §2); the reader always writes it.
        let venue = f.has("exchange") ? try f.parsed("exchange", "is not binance, coinbase or bybit") { Venue(name: $0) } : .binance
        let symbol = try f.string("symbol")
        let market: MarketSymbol
        if f.has("market") {
            market = try f.parsed("market", "is not BASE/QUOTE") { MarketSymbol(parsing: $0) }
            guard market.symbol(on: venue) == symbol else { throw .bad(f.path + "market", "does not match symbol") }
        } else {
            guard let m = MarketSymbol(parsing: symbol) else { throw .bad(f.path + "symbol", "is not a market symbol") }
            market = m
        }
        let condition = try f.parsed("condition", "is not a known condition") { Condition(name: $0) }
        var signal = Signal(id: id, venue: venue, market: market, condition: condition)
        switch condition {
        case .above, .below:
            signal.targetPrice = try f.level("target_price")
        case .pctUp, .pctDown:
            signal.percent = try f.level("percent")
        case .long, .short:
            signal.entry = f.has("entry") ? try f.level("entry") : nil
            signal.takeProfits = try f.levels("take_profit")
            signal.stopLoss = try f.level("stop_loss")
        }
        signal.user = try f.optionalString("user")
        signal.priority = f.has("priority") ? try f.int("priority", in: -2...2) : nil
        signal.sound = try f.optionalString("sound")
        if f.has("repeat") {
            signal.repeatMode = try f.parsed("repeat", "is not once, every or a duration") { Repeat(text: $0) }
        }
        signal.expires = f.has("expires") ? try f.time("expires") : nil
        signal.note = try f.optionalString("note")
        return signal
    }

    static func shown(_ v: JSONValue) -> String {
        let s = v.serialized
        return s.count <= 40 ? s : String(s.prefix(40)) + "…"
    }
}

/// Typed access to one object's fields, naming each by its dotted path in errors.
struct MessageFields {
    let object: JSONObject
    let path: String

    func has(_ key: String) -> Bool {
        if let v = object[key], !v.isNull { return true }
        return false
    }

    func value(_ key: String) throws(SignalMessageError) -> JSONValue {
        guard let v = object[key], !v.isNull else { throw .missing(path + key) }
        return v
    }

    func string(_ key: String) throws(SignalMessageError) -> String {
        guard case .string(let s) = try value(key) else { throw .bad(path + key, "is not a string") }
        guard !s.isEmpty else { throw .missing(path + key) }
        return s
    }

    func optionalString(_ key: String) throws(SignalMessageError) -> String? {
        has(key) ? try string(key) : nil
    }

    func parsed<T>(_ key: String, _ problem: String, _ parse: (String) -> T?) throws(SignalMessageError) -> T {
        guard let t = parse(try string(key)) else { throw .bad(path + key, problem) }
        return t
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(SignalMessageError) -> Int {
        guard let i = try value(key).intValue, range.contains(i) else {
            throw .bad(path + key, "is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return i
    }

    func time(_ key: String) throws(SignalMessageError) -> EpochMillis {
        try parsed(key, "is not an RFC 3339 time") { UTCTime.parseISO8601($0) }
    }

    /// A positive level: a decimal string as the reader writes it (a JSON number is accepted too).
    func level(_ key: String) throws(SignalMessageError) -> Price {
        try Self.level(try value(key), path + key)
    }

    func levels(_ key: String) throws(SignalMessageError) -> [Price] {
        guard case .array(let items) = try value(key) else { throw .bad(path + key, "is not an array") }
        guard !items.isEmpty else { throw .missing(path + key) }
        var out: [Price] = []
        for (i, item) in items.enumerated() { out.append(try Self.level(item, "\(path)\(key)[\(i)]")) }
        return out
    }

    static func level(_ v: JSONValue, _ name: String) throws(SignalMessageError) -> Price {
        let text: String
        switch v {
        case .string(let s): text = s
        case .number(let n): text = n
        default: throw .bad(name, "is not a decimal string")
        }
        guard let p = Price(text), p.isPositive else { throw .bad(name, "is not a positive decimal") }
        return p
    }

    func optionalObject(_ key: String) throws(SignalMessageError) -> MessageFields? {
        guard has(key) else { return nil }
        guard case .object(let o) = try value(key) else { throw .bad(path + key, "is not an object") }
        return MessageFields(object: o, path: path + key + ".")
    }
}
