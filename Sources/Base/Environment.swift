#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process environment as a value, read once in `main` and passed down (STYLE §4): nothing below the
/// entry point calls `getenv`. Tests build one from a dictionary literal.
///
/// An empty value counts as unset, so `SSL_CERT_FILE=` behaves like no `SSL_CERT_FILE`.
public struct Environment: Sendable, ExpressibleByDictionaryLiteral {
    public let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }
    public init(dictionaryLiteral elements: (String, String)...) {
        self.values = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// A snapshot of this process's environment.
    public static func process() -> Environment {
        var values: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                values[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            p += 1
        }
        return Environment(values)
    }

    /// The value, or nil when unset or empty.
    public subscript(name: String) -> String? {
        guard let v = values[name], !v.isEmpty else { return nil }
        return v
    }

    /// The first of several names that is set (e.g. `SSL_CERT_FILE` then `CURL_CA_BUNDLE`).
    public func first(_ names: String...) -> String? {
        for n in names { if let v = self[n] { return v } }
        return nil
    }

    public func required(_ name: String) throws(ConfigurationError) -> String {
        guard let v = self[name] else { throw .missing(name) }
        return v
    }

    /// A decimal integer within `range`, or `defaultValue` when unset.
    public func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max)
        throws(ConfigurationError) -> Int
    {
        guard let text = self[name] else { return defaultValue }
        guard let v = Int(text.strippingBlanks()) else { throw .invalid(name, "expected an integer") }
        guard range.contains(v) else {
            throw .invalid(name, "expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    /// `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off` (any case), or `defaultValue` when unset.
    public func bool(_ name: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let text = self[name] else { return defaultValue }
        switch text.strippingBlanks().lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw .invalid(name, "expected 1/0, true/false, yes/no or on/off")
        }
    }
}

extension String {
    fileprivate func strippingBlanks() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
