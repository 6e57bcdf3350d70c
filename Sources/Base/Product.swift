/// The product's name and version, for `User-Agent` headers (SPEC §8: some APIs refuse requests without one).
public enum Product {
    public static let name = "trading-signals"
    public static let version = "0.1.0"
    /// `trading-signals/0.1.0`
    public static var userAgent: String { "\(name)/\(version)" }
}
