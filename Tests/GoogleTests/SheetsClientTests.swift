import Base
import CurlHTTP
import Testing
@testable import Google

@Suite struct SheetsClientTests {
    static let start: EpochMillis = 1_795_000_000_000

    func client(
        _ sheets: @escaping @Sendable (HTTPRequest, Int) throws -> HTTPResponse, pauses: PauseRecorder = PauseRecorder(),
        clock: FixedClock = FixedClock(start)
    ) -> (SheetsClient, FakeTransport, FakeTransport) {
        let tokenTransport = FakeTransport { _, n in tokenResponse("token-\(n)") }
        let sheetsTransport = FakeTransport(sheets)
        let tokens = GoogleTokenProvider(key: TestKey.key(), transport: tokenTransport, clock: clock, retry: pauses.policy())
        let client = SheetsClient(
            baseURL: "http://127.0.0.1:8/", transport: sheetsTransport, tokens: tokens, clock: clock,
            retry: pauses.policy(clock: clock))
        return (client, sheetsTransport, tokenTransport)
    }

    @Test func requestIsBuiltExactly() {
        let r = SheetsClient.valuesRequest(
            baseURL: "https://sheets.googleapis.com", spreadsheetID: "1AbC-xyz_09", range: SheetRange("Bob's Signals!A1:ZZ"),
            accessToken: "ya29.t")
        #expect(r.method == "GET")
        #expect(r.url == "https://sheets.googleapis.com/v4/spreadsheets/1AbC-xyz_09/values/%27Bob%27%27s%20Signals%27%21A1%3AZZ?valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER")
        #expect(r.headers["Authorization"] == "Bearer ya29.t")
        #expect(r.body.isEmpty)
    }

    @Test(arguments: [
        (nil, "A1:ZZ"), ("  ", "A1:ZZ"), ("A1:ZZ", "A1:ZZ"), ("B:H", "B:H"), ("Signals", "'Signals'"),
        ("Signals!A1:H", "'Signals'!A1:H"), ("My Signals!A:Z", "'My Signals'!A:Z"), ("Bob's!A1", "'Bob''s'!A1"),
        ("'My Signals'!A1:ZZ", "'My Signals'!A1:ZZ"), ("'Bob''s'!A:A", "'Bob''s'!A:A"), ("My Signals", "'My Signals'"),
        ("Q1!B2", "'Q1'!B2"), ("a!b!A1", "'a!b'!A1"),
    ] as [(String?, String)])
    func rangesAreQuotedWhenNeeded(_ input: String?, _ expected: String) {
        #expect(SheetRange(input).a1 == expected)
    }

    @Test func returnsRaggedRowsAsSent() async throws {
        let body = #"{"range":"Sheet1!A1:ZZ1000","majorDimension":"ROWS","values":[["symbol","condition","price"],["BTCUSDT","above",65000.5],[],["ETHUSDT"]]}"#
        let (client, transport, _) = client { _, _ in json(200, body) }
        let values = try await client.values(spreadsheetID: "sheet", range: SheetRange(nil))
        #expect(values.range == "Sheet1!A1:ZZ1000")
        #expect(values.rows.count == 4)
        #expect(values.rows[1][2] == .number("65000.5"))
        #expect(values.rows[2].isEmpty && values.rows[3].count == 1)
        #expect(transport.requests[0].url.hasPrefix("http://127.0.0.1:8/v4/spreadsheets/sheet/values/A1%3AZZ?"))
        #expect(transport.requests[0].headers["Authorization"] == "Bearer token-0")
    }

    /// A cell cut mid-emoji (`=LEFT("🚀 go", 1)`) can hold half a surrogate pair, which JSON encoders write as a
    /// lone `\ud83d`. One such cell must not lose the whole sheet: it reads as U+FFFD, every other cell as sent.
    @Test func aLoneSurrogateInACellDoesNotLoseTheSheet() async throws {
        let body = #"{"values":[["symbol","condition","price","note"],["BTCUSDT","above",65000,"rocket \ud83d"],"#
            + #"["ETHUSDT","below",3000,"\ude80 \ud83d\u0041 \\ud83d \ud83d\ude80"]]}"#
        let (client, _, _) = client { _, _ in json(200, body) }
        let rows = try await client.values(spreadsheetID: "s", range: SheetRange(nil)).rows
        #expect(rows.count == 3)
        #expect(rows[1] == [.string("BTCUSDT"), .string("above"), .number("65000"), .string("rocket \u{FFFD}")])
        #expect(rows[2][3] == .string("\u{FFFD} \u{FFFD}A \\ud83d 🚀"))
    }

    /// A row that is not a list (never sent by Google) is kept as a one-cell row, so the reader rejects that row
    /// alone instead of losing every signal on the sheet.
    @Test func aRowThatIsNotAListIsKeptAsOneCell() async throws {
        let body = #"{"values":[["symbol","condition","price"],"oops",7,{"a":1},["BTCUSDT","above",65000]]}"#
        let (client, _, _) = client { _, _ in json(200, body) }
        let rows = try await client.values(spreadsheetID: "s", range: SheetRange(nil)).rows
        #expect(rows.count == 5)
        #expect(rows[1] == [.string("oops")] && rows[2] == [.number("7")] && rows[3].count == 1)
        #expect(rows[4] == [.string("BTCUSDT"), .string("above"), .number("65000")])
    }

    @Test func anEmptySheetHasNoValuesKey() async throws {
        let (client, _, _) = client { _, _ in json(200, #"{"range":"Sheet1!A1:ZZ1000","majorDimension":"ROWS"}"#) }
        #expect(try await client.values(spreadsheetID: "s", range: SheetRange(nil)).rows == [])
    }

    struct Mapping: Sendable, CustomTestStringConvertible {
        let status: Int
        let body: String
        let code: GoogleError.Code
        let mustSay: [String]
        var testDescription: String { "HTTP \(status)" }
    }

    @Test(arguments: [
        Mapping(
            status: 403, body: #"{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}"#,
            code: .sheetNotShared, mustSay: ["share the sheet with \(TestKey.email)", "The caller does not have permission"]),
        Mapping(
            status: 403,
            body: #"{"error":{"code":403,"message":"Google Sheets API has not been used in project 123 before or it is disabled.","status":"PERMISSION_DENIED"}}"#,
            code: .sheetNotShared, mustSay: ["enable", "Google Sheets API"]),
        Mapping(
            status: 404, body: #"{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}"#,
            code: .spreadsheetNotFound, mustSay: ["GOOGLE_SHEETS_SPREADSHEET_ID", "wrong-id"]),
        Mapping(
            status: 400, body: #"{"error":{"code":400,"message":"Unable to parse range: 'Sigs'!A1:ZZ","status":"INVALID_ARGUMENT"}}"#,
            code: .rangeInvalid, mustSay: ["GOOGLE_SHEETS_RANGE", "Unable to parse range", "'Sigs'!A1:ZZ"]),
        Mapping(
            status: 429, body: #"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}"#,
            code: .quotaExceeded, mustSay: ["quota", "4 attempt"]),
        Mapping(status: 502, body: "<html>Bad Gateway</html>", code: .sheetsUnavailable, mustSay: ["HTTP 502", "Google's side"]),
    ])
    func errorsTellTheTraderWhatToFix(_ m: Mapping) async {
        let pauses = PauseRecorder()
        let (client, transport, _) = client({ _, _ in json(m.status, m.body) }, pauses: pauses)
        do {
            _ = try await client.values(spreadsheetID: "wrong-id", range: SheetRange("Sigs!A1:ZZ"))
            Issue.record("no error")
        } catch {
            #expect(error.code == m.code)
            #expect(error.status == m.status)
            for s in m.mustSay { #expect(error.message.contains(s), "\(error.message)") }
            #expect(!error.message.contains("token-"))
        }
        let retried = m.status == 429 || m.status >= 500
        #expect(transport.requests.count == (retried ? 4 : 1))
        #expect(pauses.pauses.count == (retried ? 3 : 0))
    }

    @Test func serverErrorThenSuccess() async throws {
        let (client, transport, _) = client { _, n in n == 0 ? json(500, "{}") : json(200, #"{"values":[["a"]]}"#) }
        #expect(try await client.values(spreadsheetID: "s", range: SheetRange(nil)).rows == [["a"]])
        #expect(transport.requests.count == 2)
    }

    @Test func a401RefreshesTheTokenOnceAndRetries() async throws {
        let (client, transport, tokenTransport) = client { r, _ in
            r.headers["Authorization"] == "Bearer token-0" ? json(401, #"{"error":{"code":401,"status":"UNAUTHENTICATED"}}"#)
                : json(200, #"{"values":[["ok"]]}"#)
        }
        #expect(try await client.values(spreadsheetID: "s", range: SheetRange(nil)).rows == [["ok"]])
        #expect(transport.requests.map { $0.headers["Authorization"] } == ["Bearer token-0", "Bearer token-1"])
        #expect(tokenTransport.requests.count == 2)
    }

    @Test func a401WithAFreshTokenIsAnError() async {
        let (client, transport, _) = client { _, _ in json(401, #"{"error":{"code":401,"status":"UNAUTHENTICATED"}}"#) }
        do { _ = try await client.values(spreadsheetID: "s", range: SheetRange(nil)); Issue.record("no error") } catch {
            #expect(error.code == .unauthorized)
        }
        #expect(transport.requests.count == 2)
    }

    @Test func aTokenFailureIsReportedAsSuch() async {
        let tokenTransport = FakeTransport { _, _ in json(401, #"{"error":"unauthorized_client","error_description":"Client is unauthorized"}"#) }
        let sheets = FakeTransport { _, _ in json(200, "{}") }
        let clock = FixedClock(Self.start)
        let client = SheetsClient(
            baseURL: "http://127.0.0.1:8", transport: sheets,
            tokens: GoogleTokenProvider(key: TestKey.key(), transport: tokenTransport, clock: clock), clock: clock)
        do { _ = try await client.values(spreadsheetID: "s", range: SheetRange(nil)); Issue.record("no error") } catch {
            #expect(error.code == .tokenRejected)
            #expect(error.message.contains("unauthorized_client"))
        }
        #expect(sheets.requests.isEmpty)
    }

    @Test func transportTimeoutIsRetriedThenReported() async {
        let (client, transport, _) = client { _, _ in
            throw HTTPClientError(.timedOut, host: "127.0.0.1:8", detail: "Operation timed out after 20000 ms")
        }
        do { _ = try await client.values(spreadsheetID: "s", range: SheetRange(nil)); Issue.record("no error") } catch {
            #expect(error.code == .sheetsUnavailable)
            #expect(error.message.contains("timedOut"))
        }
        #expect(transport.requests.count == 4)
    }

    @Test func notJSONOn200IsInvalid() async {
        let (client, _, _) = client { _, _ in json(200, "<html>") }
        do { _ = try await client.values(spreadsheetID: "s", range: SheetRange(nil)); Issue.record("no error") } catch {
            #expect(error.code == .sheetsResponseInvalid)
        }
    }
}

@Suite struct URLPolicyTests {
    @Test(arguments: [
        ("https://sheets.googleapis.com", true), ("http://127.0.0.1:8080", true), ("http://localhost:1/x", true),
        ("http://[::1]:5/", true), ("http://sheets.googleapis.com", false), ("https://", false), ("file:///etc/passwd", false),
        ("http://127.0.0.1.evil.com/", false), ("http://127.0.0.2:80", true),
    ])
    func httpOnlyToThisMachine(_ url: String, _ ok: Bool) {
        #expect(URLPolicy.isAcceptable(url) == ok)
    }
}
