import Base
import Testing
@testable import ReaderCore

@Suite struct ReaderConfigurationTests {
    static let good: [String: String] = [
        "GOOGLE_SHEETS_SPREADSHEET_ID": "1AbCdEfGhIjKlMnOpQrStUvWxYz-_0123456789",
        "GOOGLE_SERVICE_ACCOUNT_JSON": TestKey.json,
        "SQS_QUEUE_URL": "http://127.0.0.1:5000/123456789012/signals",
        "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
    ]

    func env(_ changes: [String: String?]) -> [String: String] {
        var e = Self.good
        for (k, v) in changes { e[k] = v }
        return e
    }

    @Test func readsAGoodEnvironment() throws {
        let c = try ReaderConfiguration(environment: Self.good)
        #expect(c.spreadsheetID == "1AbCdEfGhIjKlMnOpQrStUvWxYz-_0123456789")
        #expect(c.range.a1 == "A1:ZZ")
        #expect(c.sheetsAPIURL == "https://sheets.googleapis.com")
        #expect(c.serviceAccount.clientEmail == "reader@proj.iam.gserviceaccount.com")
        #expect(c.queueURL == "http://127.0.0.1:5000/123456789012/signals")
    }

    @Test(arguments: ["GOOGLE_SHEETS_SPREADSHEET_ID", "GOOGLE_SERVICE_ACCOUNT_JSON", "SQS_QUEUE_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID"])
    func aMissingVariableIsNamed(_ name: String) {
        do {
            _ = try ReaderConfiguration(environment: env([name: nil]))
            Issue.record("accepted an environment without \(name)")
        } catch {
            #expect(error == .missing(name))
            #expect(error.description == "missing required environment variable \(name)")
        }
    }

    @Test func aBrokenKeyIsAnInitErrorThatDoesNotPrintIt() {
        let broken = TestKey.json.replacing("MII", with: "XXX")
        do {
            _ = try ReaderConfiguration(environment: env(["GOOGLE_SERVICE_ACCOUNT_JSON": broken]))
            Issue.record("accepted a broken key")
        } catch {
            #expect(error.variable == "GOOGLE_SERVICE_ACCOUNT_JSON")
            #expect(error.description.contains("private_key"))
            #expect(!error.description.contains("XXX"))
        }
    }

    @Test func aKeyThatIsNotJSONIsNamed() {
        do {
            _ = try ReaderConfiguration(environment: env(["GOOGLE_SERVICE_ACCOUNT_JSON": "/etc/key.json"]))
            Issue.record("accepted a path")
        } catch {
            #expect(error == .invalid("GOOGLE_SERVICE_ACCOUNT_JSON", "not a JSON object: it must hold the service-account key file's JSON text itself (starting with '{'), not a file path or a base64 copy"))
        }
    }

    @Test func aPastedSheetURLGivesItsId() throws {
        let c = try ReaderConfiguration(environment: env([
            "GOOGLE_SHEETS_SPREADSHEET_ID": " https://docs.google.com/spreadsheets/d/1AbC_x-9/edit#gid=0 ",
        ]))
        #expect(c.spreadsheetID == "1AbC_x-9")
    }

    @Test(arguments: [
        ("GOOGLE_SHEETS_SPREADSHEET_ID", "my sheet"), ("SQS_QUEUE_URL", "signals"),
        ("GOOGLE_SHEETS_API_URL", "http://sheets.example.com"),
    ])
    func invalidValuesAreNamed(_ name: String, _ value: String) {
        do {
            _ = try ReaderConfiguration(environment: env([name: value]))
            Issue.record("accepted \(name)=\(value)")
        } catch {
            #expect(error.variable == name)
        }
    }

    @Test func rangeAndSheetsURLOverrides() throws {
        let c = try ReaderConfiguration(environment: env([
            "GOOGLE_SHEETS_RANGE": "My Signals!A1:Z", "GOOGLE_SHEETS_API_URL": "http://127.0.0.1:8080",
        ]))
        #expect(c.range.a1 == "'My Signals'!A1:Z")
        #expect(c.sheetsAPIURL == "http://127.0.0.1:8080")
    }
}
