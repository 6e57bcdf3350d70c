/// RFC 3986 percent-encoding, shared by every client that builds URLs or form bodies
/// (Sheets paths, exchange queries, the Google token grant, Pushover forms).
public enum PercentEncoding {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Everything but the unreserved characters (`A-Z a-z 0-9 - . _ ~`) as `%XX` of its UTF-8 bytes.
    public static func encode(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `name=value&…` with both sides encoded: an `application/x-www-form-urlencoded` body or a query string.
    public static func form(_ fields: [(String, String)]) -> String {
        fields.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }
}
