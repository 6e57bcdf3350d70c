import Base
import OpenSSLCrypto

/// The signed JWT a service account presents to the token endpoint (Google's server-to-server OAuth page,
/// AIP-4112): header `{"alg":"RS256","typ":"JWT","kid":…}`, claims `iss`, `scope`, `aud` = `token_uri`,
/// `iat`, `exp`. Built in stages (header, claims, signing input, signature) so each is testable.
public enum JWTAssertion {
    public static let scope = "https://www.googleapis.com/auth/spreadsheets.readonly"
    /// `iat` is set this far in the past: Google refuses an `iat` in its future, and Lambda hosts' clocks
    /// are good but not perfect (googleapis client issues on "Invalid JWT … reasonable timeframe").
    public static let backdateSeconds: Int64 = 60
    /// Google's maximum: `exp` at most one hour after `iat`.
    public static let lifetimeSeconds: Int64 = 3600

    public static func header(key: ServiceAccountKey) -> JSONValue {
        var h = JSONObject([("alg", "RS256"), ("typ", "JWT")])
        if let kid = key.privateKeyID { h["kid"] = .string(kid) }
        return .object(h)
    }

    public static func claims(key: ServiceAccountKey, now: EpochMillis) -> JSONValue {
        let iat = UTCTime.floorDiv(now, 1000) - backdateSeconds
        return .object(JSONObject([
            ("iss", .string(key.clientEmail)),
            ("scope", .string(scope)),
            ("aud", .string(key.tokenURI)),
            ("iat", .int(iat)),
            ("exp", .int(iat + lifetimeSeconds)),
        ]))
    }

    /// `base64url(header) "." base64url(claims)`: the bytes the signature covers.
    public static func signingInput(key: ServiceAccountKey, now: EpochMillis) -> String {
        Base64URL.encode(header(key: key).serialized) + "." + Base64URL.encode(claims(key: key, now: now).serialized)
    }

    /// The complete assertion. Throws `.keyInvalid` only if OpenSSL cannot sign with a key it parsed.
    public static func make(key: ServiceAccountKey, now: EpochMillis) throws(GoogleError) -> String {
        let input = signingInput(key: key, now: now)
        do {
            let signature = try key.signingKey.signSHA256(Array(input.utf8))
            return input + "." + Base64URL.encode(signature)
        } catch {
            throw GoogleError(
                .keyInvalid, "could not sign with the service-account key (\(error.call): \(error.reason))",
                field: "private_key")
        }
    }
}
