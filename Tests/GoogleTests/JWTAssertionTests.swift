import Base
import Foundation
import OpenSSLCrypto
import Testing
@testable import Google

@Suite struct JWTAssertionTests {
    static let now: EpochMillis = 1_795_000_000_123  // 2026-11-18T…Z

    @Test func headerAndClaimsAreWhatGoogleExpects() throws {
        let key = TestKey.key(tokenURI: "https://oauth2.googleapis.com/token")
        let jwt = try JWTAssertion.make(key: key, now: Self.now)
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        #expect(parts.count == 3)
        #expect(!jwt.contains("=") && !jwt.contains("+") && !jwt.contains("/"))

        let header = String(decoding: try #require(Base64URL.decode(parts[0])), as: UTF8.self)
        #expect(header == #"{"alg":"RS256","typ":"JWT","kid":"kid-0123456789abcdef"}"#)

        let claims = try JSONValue.parse(try #require(Base64URL.decode(parts[1])))
        #expect(claims["iss"]?.stringValue == TestKey.email)
        #expect(claims["scope"]?.stringValue == "https://www.googleapis.com/auth/spreadsheets.readonly")
        #expect(claims["aud"]?.stringValue == "https://oauth2.googleapis.com/token")
        let iat = try #require(claims["iat"]?.int64Value)
        let exp = try #require(claims["exp"]?.int64Value)
        #expect(iat <= Self.now / 1000 && iat >= Self.now / 1000 - 120, "iat backdated a little, not in the future")
        #expect(exp > Self.now / 1000 + 3000 && exp - iat <= 3600, "exp at most an hour after iat")
        #expect(claims["sub"] == nil)
    }

    @Test func signatureVerifiesWithThePublicKey() throws {
        let jwt = try JWTAssertion.make(key: TestKey.key(), now: Self.now)
        let dot = try #require(jwt.lastIndex(of: "."))
        let signed = Array(jwt[..<dot].utf8)
        let signature = try #require(Base64URL.decode(String(jwt[jwt.index(after: dot)...])))
        let pub = try RSAPublicKey(pem: TestKey.pair.publicPEM)
        #expect(pub.verifySHA256(signature: signature, message: signed))
        var tampered = signed
        tampered[tampered.count - 1] ^= 1
        #expect(!pub.verifySHA256(signature: signature, message: tampered))
    }

    /// Cross-check with the `openssl` command line, a separate implementation path from the library calls.
    @Test func signatureVerifiesWithTheOpenSSLCommand() throws {
        let jwt = try JWTAssertion.make(key: TestKey.key(), now: Self.now)
        let dot = try #require(jwt.lastIndex(of: "."))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pub = dir.appendingPathComponent("pub.pem"), data = dir.appendingPathComponent("data"),
            sig = dir.appendingPathComponent("sig")
        try Data(TestKey.pair.publicPEM.utf8).write(to: pub)
        try Data(jwt[..<dot].utf8).write(to: data)
        try Data(try #require(Base64URL.decode(String(jwt[jwt.index(after: dot)...])))).write(to: sig)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "dgst", "-sha256", "-verify", pub.path, "-signature", sig.path, data.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test func kidIsLeftOutWhenTheKeyFileHasNone() throws {
        let key = try ServiceAccountKey(json: TestKey.json(dropping: ["private_key_id"]))
        #expect(JWTAssertion.header(key: key).serialized == #"{"alg":"RS256","typ":"JWT"}"#)
    }
}
