import MarketData
import Pushover
import SignalDomain

/// The Pushover message for one event (SPEC §6): words from `NotificationText`, the recipient, priority
/// and sound from the signal or the configured defaults, the time the level was reached, and a link to
/// the market on the venue that answered.
struct NotificationBuilder: Sendable {
    let defaultPriority: Int
    let emergencyRetry: Int
    let emergencyExpire: Int
    let defaultSound: String

    init(configuration c: WorkerConfiguration) {
        defaultPriority = c.defaultPriority
        emergencyRetry = c.emergencyRetry
        emergencyExpire = c.emergencyExpire
        defaultSound = c.defaultSound
    }

    init(defaultPriority: Int = 2, emergencyRetry: Int = 30, emergencyExpire: Int = 3600, defaultSound: String = "persistent") {
        self.defaultPriority = defaultPriority
        self.emergencyRetry = emergencyRetry
        self.emergencyExpire = emergencyExpire
        self.defaultSound = defaultSound
    }

    func message(signal: Signal, event: SignalEvent, currentPrice: Price, venue: Venue, userKey: String) -> PushoverMessage {
        let text = NotificationText.compose(
            signal: signal, event: event, currentPrice: currentPrice, venue: venue == signal.venue ? nil : venue)
        let sound = signal.sound.flatMap { $0.trimmingSpaces().isEmpty ? nil : $0.trimmingSpaces() } ?? defaultSound
        return PushoverMessage(
            user: userKey, title: text.title, message: text.message, priority: signal.priority ?? defaultPriority,
            sound: sound, retry: emergencyRetry, expire: emergencyExpire,
            timestamp: UTCTime.floorDiv(event.reachedAt, 1000), url: signal.market.tradeURL(on: venue),
            urlTitle: "\(signal.market.symbol(on: venue)) on \(venue.displayName)")
    }
}
