import Base
import OpenSSLCrypto

/// A Google service-account key file (AIP-4112), parsed from its JSON text. The private key is held for
/// signing and never printed: `description`, `debugDescription` and reflection all leave it out.
public struct ServiceAccountKey: Sendable {
    public static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// The account's address: the JWT's `iss`, and who the trader must share the sheet with.
    public let clientEmail: String
    /// The JWT header's `kid`; nil in hand-made files that leave it out (Google accepts that).
    public let privateKeyID: String?
    /// Where the signed assertion is exchanged for an access token (older files: accounts.google.com).
    public let tokenURI: String
    /// The parsed private key, kept only to sign with.
    let signingKey: RSAPrivateKey

    /// Parses the key file's text. Throws `GoogleError` `.keyNotJSON`, `.keyFieldMissing` (naming the
    /// field) or `.keyInvalid`; the messages never contain the key.
    public init(json text: String) throws(GoogleError) {
        guard let value = try? JSONValue.parse(text), let object = value.objectValue else {
            let looksCut = text.trimmedWhitespace().hasPrefix("{")
            throw GoogleError(
                .keyNotJSON,
                looksCut
                    ? "not a JSON object: the text starts like the key file but does not parse (cut short or "
                        + "altered when pasted?); paste the whole key file's JSON text"
                    : "not a JSON object: it must hold the service-account key file's JSON text itself "
                        + "(starting with '{'), not a file path or a base64 copy")
        }
        if let type = object["type"]?.stringValue, type != "service_account" {
            throw GoogleError(
                .keyInvalid,
                "it holds a \"\(Self.printable(type))\" credential, not a service-account key: create a key "
                    + "for a service account (IAM → Service accounts → Keys → Add key → JSON)",
                field: "type")
        }
        func required(_ field: String) throws(GoogleError) -> String {
            guard let v = object[field], !v.isNull else {
                throw GoogleError(.keyFieldMissing, "the key has no \"\(field)\" field", field: field)
            }
            guard let s = v.stringValue else {
                throw GoogleError(.keyInvalid, "the key's \"\(field)\" is not a string", field: field)
            }
            guard !s.trimmedWhitespace().isEmpty else {
                throw GoogleError(.keyFieldMissing, "the key's \"\(field)\" is empty", field: field)
            }
            return s
        }
        clientEmail = try required("client_email").trimmedWhitespace()
        var pem = try required("private_key")
        // A key pasted through a shell or a console often arrives with its `\n` escapes doubled, so the
        // parsed text holds a backslash and an `n` where a newline belongs.
        if !pem.contains("\n") && pem.contains("\\n") { pem = pem.replacingBackslashN() }
        guard pem.contains("-----BEGIN "), pem.contains("PRIVATE KEY-----") else {
            throw GoogleError(
                .keyInvalid,
                "the key's \"private_key\" is not a PEM private key (copy the key file's \"private_key\" value whole)",
                field: "private_key")
        }
        do {
            signingKey = try RSAPrivateKey(pem: pem)
        } catch {
            // OpenSSL's reason names the decoder that failed, never the key's bytes.
            throw GoogleError(
                .keyInvalid,
                "the key's \"private_key\" does not parse as an RSA private key (\(error.reason)): copy the key file "
                    + "again, unchanged", field: "private_key")
        }
        if let kid = object["private_key_id"], !kid.isNull {
            guard let s = kid.stringValue else {
                throw GoogleError(.keyInvalid, "the key's \"private_key_id\" is not a string", field: "private_key_id")
            }
            privateKeyID = s.isEmpty ? nil : s
        } else {
            privateKeyID = nil
        }
        if object["token_uri"] == nil || object["token_uri"]?.isNull == true {
            tokenURI = Self.defaultTokenURI
        } else {
            let uri = try required("token_uri").trimmedWhitespace()
            guard URLPolicy.isAcceptable(uri) else {
                throw GoogleError(
                    .keyInvalid,
                    "the key's \"token_uri\" must be an https:// URL (plain http only to this machine), got \(uri.contains("@") ? "a URL with credentials in it" : Self.printable(uri))",
                    field: "token_uri")
            }
            tokenURI = uri
        }
    }

    /// A value chosen by the key's owner, cut short and stripped of control characters before it is quoted.
    static func printable(_ s: String) -> String {
        let cleaned = String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        return cleaned.count > 80 ? String(cleaned.prefix(80)) + "…" : cleaned
    }
}

extension ServiceAccountKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ServiceAccountKey(\(clientEmail), private key redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["clientEmail": clientEmail, "privateKeyID": privateKeyID as Any, "tokenURI": tokenURI])
    }
}

extension String {
    fileprivate func replacingBackslashN() -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        var it = makeIterator()
        while let c = it.next() {
            if c == "\\" {
                guard let n = it.next() else { out.append(c); break }
                if n == "n" { out.append("\n") } else { out.append(c); out.append(n) }
            } else {
                out.append(c)
            }
        }
        return out
    }
}
