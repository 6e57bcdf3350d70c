/// The sheet's columns (SPEC §2). Found by header, never by position.
public enum SheetColumn: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case symbol, exchange, condition
    case targetPrice = "target_price"
    case percent, entry
    case takeProfit = "take_profit"
    case stopLoss = "stop_loss"
    case active
    case user = "pushover_user_key"
    case priority, sound, `repeat`, expires, note, id

    /// The canonical name, as used in rejections and in the README.
    public var description: String { rawValue }

    /// SPEC §2's aliases, canonical name first.
    public var names: [String] {
        switch self {
        case .symbol: return ["symbol", "pair", "ticker"]
        case .exchange: return ["exchange", "venue"]
        case .condition: return ["condition", "type"]
        case .targetPrice: return ["target_price", "price", "target", "level"]
        case .percent: return ["percent", "pct", "percentage"]
        case .entry: return ["entry", "entry_price"]
        case .takeProfit: return ["take_profit", "tp", "tp1", "tp2", "tp3"]
        case .stopLoss: return ["stop_loss", "sl"]
        case .active: return ["active", "enabled"]
        case .user: return ["pushover_user_key", "user", "user_key"]
        case .priority: return ["priority"]
        case .sound: return ["sound"]
        case .repeat: return ["repeat", "frequency"]
        case .expires: return ["expires", "until"]
        case .note: return ["note", "message", "comment"]
        case .id: return ["id"]
        }
    }

    /// Columns a sheet must have for any row to be read.
    public static let required: [SheetColumn] = [.symbol, .condition]

    /// Several `take_profit` columns (`tp1`, `tp2`, `tp3`) add up; any other column named twice is a
    /// duplicate whose cells must agree (see `SheetHeader`).
    var accumulates: Bool { self == .takeProfit }

    /// The column a header cell names, or nil for the trader's own columns.
    /// Matching ignores case, surrounding spaces, and space, `_` and `-` (which are also dropped, so
    /// `TargetPrice`, `target-price` and ` Target Price ` are all `target_price`).
    /// `tp4`, `Take Profit 5`, … are take-profit columns too (SPEC §3 numbers them `tp1` … `tpN`).
    public init?(header: String) {
        let key = SheetColumn.key(header)
        if let column = SheetColumn.byKey[key] {
            self = column
        } else if SheetColumn.isNumberedTakeProfit(key) {
            self = .takeProfit
        } else {
            return nil
        }
    }

    private static func isNumberedTakeProfit(_ key: String) -> Bool {
        for prefix in ["tp", "takeprofit"] where key.hasPrefix(prefix) {
            let digits = key.dropFirst(prefix.count)
            return !digits.isEmpty && digits.count <= 2 && digits.allSatisfy(SheetText.isDigit)
        }
        return false
    }

    /// Invisible format characters (a byte-order mark, a zero-width space pasted along with the name) are dropped too.
    static func key(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter {
            $0 != " " && $0 != "_" && $0 != "-" && !$0.properties.isWhitespace && $0.properties.generalCategory != .format
        })
    }

    private static let byKey: [String: SheetColumn] = {
        var map: [String: SheetColumn] = [:]
        for column in SheetColumn.allCases {
            for name in column.names { map[key(name)] = column }
        }
        return map
    }()
}
