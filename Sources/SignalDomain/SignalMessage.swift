/// The reader → worker SQS message body (SPEC §4), version 1:
///
/// ```json
/// {"version": 1, "run": {"id": "…", "time": "2026-11-25T20:00:00Z"}, "sheet": {"id": "…", "row": 7},
///  "signal": {"id": "…", "exchange": "binance", "symbol": "BTCUSDT", "condition": "long", …}}
/// ```
///
/// Levels are normalised decimal strings; fields that do not apply to the condition are left out.
/// One addition to the SPEC's example: `"market": "BASE/QUOTE"` is written only when the venue symbol
/// alone would not give base and quote back (a run-together `BTCXYZ` with an unlisted quote), so the
/// worker can still build the fallback symbol and the trade URL.
public struct SignalMessage: Sendable, Equatable {
    public static let version = 1

    /// The scheduled run that produced the message (EventBridge event id and time).
    public struct Run: Sendable, Equatable {
        public var id: String
        public var time: EpochMillis
        public init(id: String, time: EpochMillis) {
            self.id = id
            self.time = time
        }
    }

    /// Where the signal came from, for the worker's logs.
    public struct SheetRef: Sendable, Equatable {
        public var id: String
        public var row: Int
        public init(id: String, row: Int) {
            self.id = id
            self.row = row
        }
    }

    /// Always set by the reader; optional when decoding so a hand-written message still works.
    public var run: Run?
    public var sheet: SheetRef?
    public var signal: Signal

    public init(run: Run?, sheet: SheetRef?, signal: Signal) {
        self.run = run
        self.sheet = sheet
        self.signal = signal
    }

    /// The body text sent to SQS.
    public var body: String { json.serialized }

    public var json: JSONValue {
        var o = JSONObject()
        o["version"] = .int(SignalMessage.version)
        if let run {
            o["run"] = ["id": .string(run.id), "time": .string(SignalMessage.formatTime(run.time))]
        }
        if let sheet { o["sheet"] = ["id": .string(sheet.id), "row": .int(sheet.row)] }
        o["signal"] = .object(SignalMessage.encode(signal))
        return .object(o)
    }

    static func encode(_ s: Signal) -> JSONObject {
        var o = JSONObject()
        o["id"] = .string(s.id)
        o["exchange"] = .string(s.venue.rawValue)
        o["symbol"] = .string(s.symbol)
        if MarketSymbol(parsing: s.symbol) != s.market {
            o["market"] = .string(s.market.base + "/" + s.market.quote)
        }
        o["condition"] = .string(s.condition.rawValue)
        switch s.condition {
        case .above, .below:
            if let p = s.targetPrice { o["target_price"] = .string(p.text) }
        case .pctUp, .pctDown:
            if let p = s.percent { o["percent"] = .string(p.text) }
        case .long, .short:
            if let p = s.entry { o["entry"] = .string(p.text) }
            o["take_profit"] = .array(s.takeProfits.map { .string($0.text) })
            if let p = s.stopLoss { o["stop_loss"] = .string(p.text) }
        }
        if let user = s.user { o["user"] = .string(user) }
        if let priority = s.priority { o["priority"] = .int(priority) }
        if let sound = s.sound { o["sound"] = .string(sound) }
        o["repeat"] = .string(s.repeatMode.description)
        if let expires = s.expires { o["expires"] = .string(formatTime(expires)) }
        if let note = s.note { o["note"] = .string(note) }
        return o
    }

    /// RFC 3339 UTC, with milliseconds only when there are some.
    static func formatTime(_ ms: EpochMillis) -> String {
        UTCTime.format(ms, milliseconds: ms % 1000 != 0)
    }
}
