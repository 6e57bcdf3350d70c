/// The words of a notification (SPEC §6): the title says what happened where, the message adds when,
/// how far, the price now and the trader's note. A phone lock screen shows the title and the first line
/// or two, so those carry the essentials:
///
///     BTCUSDT above 65000 (Binance)
///     Reached 65012.5 at 20:14 UTC, 25 Nov · now 64980.1
///     breakout retest
///
/// Prices are printed as their exact text. Pushover's limits (title 250, message 1024 characters) are
/// respected by cutting on character boundaries, the note first.
public enum NotificationText {
    public static let titleLimit = 250
    public static let messageLimit = 1024

    /// `venue` is the venue that answered when it is not the signal's own (fallback).
    public static func compose(
        signal: Signal, event: SignalEvent, currentPrice: Price, venue: Venue? = nil
    ) -> (title: String, message: String) {
        let venue = venue ?? signal.venue
        let title = signal.market.symbol(on: venue) + " " + headline(signal: signal, event: event)
            + " (" + venue.displayName + ")"

        var lines = ["Reached \(event.priceReached.text) \(when(event)) · now \(currentPrice.text)"]
        if let context = context(signal: signal, event: event) { lines.append(context) }
        if let again = repeatLine(signal: signal, event: event) { lines.append(again) }
        let essentials = lines.joined(separator: "\n")

        var message = essentials
        let note = cleanNote(signal.note)
        if !note.isEmpty {
            let room = messageLimit - essentials.unicodeScalars.count - 1
            if room >= 2 { message += "\n" + truncate(note, limit: room) }
        }
        return (truncate(singleLine(title), limit: titleLimit), truncate(message, limit: messageLimit))
    }

    /// What happened, with its level: `above 65000`, `+5 % at 66150`, `long TP2 68000, trade closed`.
    static func headline(signal: Signal, event: SignalEvent) -> String {
        let level = event.level.text
        let what: String
        switch event.kind {
        case .above: what = "above \(level)"
        case .below: what = "below \(level)"
        case .pctUp: what = "+\(signal.percent?.text ?? "?") % at \(level)"
        case .pctDown: what = "-\(signal.percent?.text ?? "?") % at \(level)"
        case .entry: what = "\(side(signal)) entry \(level)"
        case .takeProfit(let n): what = "\(side(signal)) TP\(n) \(level)"
        case .stopLoss: what = "\(side(signal)) stop-loss \(level)"
        }
        return event.closesTrade ? what + ", trade closed" : what
    }

    /// The second line: what the event means for the trade, or where a percentage was measured from.
    static func context(signal: Signal, event: SignalEvent) -> String? {
        let sl = signal.stopLoss.map { "SL \($0.text)" }
        switch event.kind {
        case .above, .below:
            return nil
        case .pctUp, .pctDown:
            return event.reference.map { "Measured from \($0.text), the price when the alert was first checked" }
        case .entry:
            // In the order they will be hit (TP1 first), whatever order the sheet lists them in.
            let ordered = signal.takeProfits.sorted { byDistance(signal, $0, $1) }
            let tps = ordered.isEmpty ? nil : "TP " + ordered.map(\.text).joined(separator: ", ")
            return (["Trade open"] + [tps, sl].compactMap { $0 }).joined(separator: " · ")
        case .takeProfit(let n):
            var parts = ["TP\(n) of \(event.takeProfitCount)"]
            if event.closesTrade {
                parts.append("trade closed")
            } else {
                if n < signal.takeProfits.count {
                    let next = signal.takeProfits.sorted { byDistance(signal, $0, $1) }[n]
                    parts.append("next TP\(n + 1) \(next.text)")
                }
                if let sl { parts.append(sl) }
            }
            return parts.joined(separator: " · ")
        case .stopLoss:
            let entry = signal.entry.map { " · entry \($0.text)" } ?? ""
            return "Stop-loss hit · trade closed" + entry
        }
    }

    static func repeatLine(signal: Signal, event: SignalEvent) -> String? {
        switch signal.repeatMode {
        case .once: return nil
        case .every: return event.closesTrade || !isTrade(signal) ? "Repeats at every check" : nil
        case .cooldown:
            return event.closesTrade || !isTrade(signal) ? "Re-arms \(signal.repeatMode.description) after this" : nil
        }
    }

    /// `at 20:14 UTC, 25 Nov`; a 1-second candle adds seconds; a coarse candle gives its span.
    static func when(_ event: SignalEvent) -> String {
        let start = event.reachedAt
        if event.reachedWithinMs > CandleInterval.oneMinute.milliseconds {
            let end = start + event.reachedWithinMs
            let sameDay = UTCTime.floorDiv(start, 86_400_000) == UTCTime.floorDiv(end - 1, 86_400_000)
            let endText = sameDay ? clock(end, seconds: false) : clock(end, seconds: false) + ", " + day(end)
            return "between \(clock(start, seconds: false)) and \(endText) UTC, \(day(start))"
        }
        let seconds = event.reachedWithinMs < CandleInterval.oneMinute.milliseconds
        return "at \(clock(start, seconds: seconds)) UTC, \(day(start))"
    }

    // MARK: - Text helpers

    /// Cuts `text` to at most `limit` characters, counting both user-perceived characters and Unicode
    /// scalars (whichever the receiver counts), never inside a character; a cut text ends with `…`.
    public static func truncate(_ text: String, limit: Int) -> String {
        guard limit > 0 else { return "" }
        if text.unicodeScalars.count <= limit { return text }  // scalars ≥ characters
        var out = ""
        var used = 0
        for c in text {
            let n = c.unicodeScalars.count
            if used + n > limit - 1 { break }
            out.append(c)
            used += n
        }
        return out + "…"
    }

    static func cleanNote(_ note: String?) -> String {
        guard let note else { return "" }
        var out = ""
        for c in note {
            if c == "\n" || c == "\r\n" {
                out.append("\n")
            } else if c.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) {
                out.append(c)
            } else {
                out.append(" ")
            }
        }
        return out.trimmingSpaces()
    }

    static func singleLine(_ s: String) -> String {
        String(s.map { $0.isNewline ? " " : $0 })
    }

    private static func side(_ signal: Signal) -> String { signal.condition == .short ? "short" : "long" }

    private static func isTrade(_ signal: Signal) -> Bool { signal.condition == .long || signal.condition == .short }

    private static func byDistance(_ signal: Signal, _ a: Price, _ b: Price) -> Bool {
        signal.condition == .short ? Price.compareExactly(a, b) > 0 : Price.compareExactly(a, b) < 0
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func clock(_ ms: EpochMillis, seconds: Bool) -> String {
        // `2026-11-25T20:14:07Z` → `20:14` or `20:14:07`
        let iso = Array(UTCTime.format(ms))
        return String(iso[11..<(seconds ? 19 : 16)])
    }

    private static func day(_ ms: EpochMillis) -> String {
        let (_, month, d) = UTCTime.civil(days: UTCTime.floorDiv(ms, 86_400_000))
        return "\(d) \(months[month - 1])"
    }
}
