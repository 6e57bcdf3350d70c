/// The derived identity of a signal without a trader-chosen `id` (SPEC §2): a hash of what the signal
/// *is* — normalised exchange, market, condition, levels and user — so that equal values spelled
/// differently (`50000` / `50,000.00`, `btc/usdt` / `BTCUSDT`, blank exchange / `Binance`) are the same
/// signal, while `note`, `priority`, `sound`, `repeat`, `expires` and `active` can change without
/// losing its state.
extension Signal {
    /// Prefix of derived identities, so they read apart from trader-chosen ones in logs and state.
    public static let derivedIDPrefix = "sig-"

    /// The text that is hashed. Version-tagged and spelled out here (not shared with
    /// `levelsFingerprint`): changing it would give every sheet's signals new identities.
    public var identityText: String {
        [
            "v1", venue.rawValue, market.base + "/" + market.quote, condition.rawValue,
            targetPrice?.text ?? "", percent?.text ?? "", entry?.text ?? "",
            takeProfits.map(\.text).joined(separator: ","), stopLoss?.text ?? "", user ?? "",
        ].joined(separator: "|")
    }

    /// `sig-` and the first 96 bits of SHA-256(identityText) as 24 hex digits.
    public var derivedID: String {
        let digest = PureSHA256.hash(Array(identityText.utf8))
        return Signal.derivedIDPrefix + PureSHA256.hex(Array(digest.prefix(12)))
    }
}
