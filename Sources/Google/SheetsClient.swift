import Base
import CurlHTTP

/// A sheet's cells as the Values API returns them: rows of JSON values (numbers as numbers, since the
/// reader asks for `UNFORMATTED_VALUE`), ragged where Google drops trailing empty cells.
public struct SheetValues: Sendable, Equatable {
    /// The range Google says it read (e.g. `Signals!A1:ZZ1000`), if it said.
    public let range: String?
    public let rows: [[JSONValue]]

    public init(range: String?, rows: [[JSONValue]]) {
        self.range = range
        self.rows = rows
    }
}

/// The Sheets API v4 `spreadsheets.values.get` call, authorised by a `GoogleTokenProvider`.
/// Retries 5xx and 429 with jittered backoff inside the deadline; a 401 drops the cached token and
/// retries once with a fresh one; 400/403/404 become errors that say what the trader should fix.
public struct SheetsClient: Sendable {
    public static let defaultBaseURL = "https://sheets.googleapis.com"
    public static let requestTimeoutMs = 20_000
    /// Far above any signal sheet (10,000 rows × 20 columns is about 2 MB), low enough to bound memory.
    static let maxResponseBytes = 16 << 20

    public let baseURL: String
    private let transport: any HTTPTransport
    private let tokens: GoogleTokenProvider
    private let clock: any WallClock
    private let retry: GoogleRetryPolicy

    public init(
        baseURL: String = defaultBaseURL, transport: any HTTPTransport, tokens: GoogleTokenProvider,
        clock: any WallClock = SystemClock(), retry: GoogleRetryPolicy = GoogleRetryPolicy()
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
        self.tokens = tokens
        self.clock = clock
        self.retry = retry
    }

    // MARK: - Request

    /// `GET {base}/v4/spreadsheets/{id}/values/{range}?valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER`
    /// with the id and the range each percent-encoded as one path segment.
    public static func valuesRequest(
        baseURL: String, spreadsheetID: String, range: SheetRange, accessToken: String, timeoutMs: Int = requestTimeoutMs
    ) -> HTTPRequest {
        let url = baseURL + "/v4/spreadsheets/" + PercentEncoding.encode(spreadsheetID) + "/values/"
            + PercentEncoding.encode(range.a1)
            + "?valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER"
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer " + accessToken)
        headers.add("Accept", "application/json")
        return HTTPRequest(url: url, headers: headers, timeoutMs: timeoutMs, maxResponseBytes: maxResponseBytes)
    }

    // MARK: - Call

    /// The sheet's values. `deadline` (epoch ms, e.g. the Lambda deadline less a reserve) bounds every
    /// retry and request timeout.
    public func values(spreadsheetID: String, range: SheetRange, deadline: EpochMillis? = nil) async throws(GoogleError)
        -> SheetValues
    {
        var attempt = 0
        var refreshedAfter401 = false
        while true {
            attempt += 1
            let token = try await tokens.accessToken(deadline: deadline)
            let now = clock.nowMillis()
            let remaining = deadline.map { $0 - now }
            let request = Self.valuesRequest(
                baseURL: baseURL, spreadsheetID: spreadsheetID, range: range, accessToken: token,
                timeoutMs: remaining.map { max(1, min(Self.requestTimeoutMs, Int($0))) } ?? Self.requestTimeoutMs)
            let failure: GoogleError
            var retryAfter: Int64? = nil
            do {
                let response = try await transport.send(request)
                let outcome = Self.interpret(
                    response, spreadsheetID: spreadsheetID, range: range, clientEmail: tokens.key.clientEmail,
                    attempt: attempt)
                switch outcome {
                case .success(let values):
                    return values
                case .failure(let error) where error.code == .unauthorized:
                    // The token may have been revoked or expired early: one more try with a new one.
                    guard !refreshedAfter401 else { throw error }
                    refreshedAfter401 = true
                    await tokens.invalidate(token)
                    attempt -= 1
                    continue
                case .failure(let error):
                    guard error.isTransient else { throw error }
                    failure = error
                    retryAfter = GoogleRetryPolicy.retryAfterMs(response.headers["Retry-After"])
                }
            } catch {
                failure = try GoogleRetryPolicy.transportFailure(error, .sheetsUnavailable, "read the sheet", attempt: attempt)
            }
            try await retry.pause(
                afterAttempt: attempt, retryAfterMs: retryAfter, remainingMs: deadline.map { $0 - clock.nowMillis() },
                else: failure)
        }
    }

    // MARK: - Response

    /// Maps a response to values or to the error the trader needs (Google's error body:
    /// `{"error":{"code":403,"message":"…","status":"PERMISSION_DENIED"}}`).
    static func interpret(
        _ response: HTTPResponse, spreadsheetID: String, range: SheetRange, clientEmail: String, attempt: Int
    ) -> Result<SheetValues, GoogleError> {
        let status = response.status
        let json = (try? JSONValue.parse(response.body)) ?? (try? JSONValue.parse(LoneSurrogates.replaced(in: response.body)))
        if (200..<300).contains(status) {
            guard let object = json?.objectValue else {
                return .failure(GoogleError(
                    .sheetsResponseInvalid, "Google Sheets answered HTTP \(status) with a body that is not JSON; "
                        + "check GOOGLE_SHEETS_API_URL", status: status))
            }
            guard let raw = object["values"] else { return .success(SheetValues(range: object["range"]?.stringValue, rows: [])) }
            guard let rowValues = raw.arrayValue else {
                return .failure(GoogleError(.sheetsResponseInvalid, "Google Sheets answered with \"values\" that is not a list", status: status))
            }
            var rows: [[JSONValue]] = []
            rows.reserveCapacity(rowValues.count)
            for row in rowValues {
                switch row {
                case .array(let cells): rows.append(cells)
                case .null: rows.append([])
                // Never sent by Google; kept as a one-cell row so the reader rejects that row alone, not the sheet.
                default: rows.append([row])
                }
            }
            return .success(SheetValues(range: object["range"]?.stringValue, rows: rows))
        }

        let googleStatus = json?["error"]?["status"]?.stringValue
        let googleMessage = json?["error"]?["message"]?.stringValue
        let said = [googleStatus, googleMessage].compactMap { $0 }.map { ServiceAccountKey.printable($0) }
            .joined(separator: ": ")
        let quoted = said.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(said)"
        let id = ServiceAccountKey.printable(spreadsheetID)
        switch status {
        case 400:
            return .failure(GoogleError(
                .rangeInvalid,
                "Google Sheets could not read range \(range.a1) (\(quoted)): check GOOGLE_SHEETS_RANGE — the tab name "
                    + "must match the sheet's tab exactly (e.g. 'My Signals'!A1:ZZ), or leave it unset to read the first tab",
                status: status))
        case 401:
            return .failure(GoogleError(
                .unauthorized,
                "Google Sheets refused a freshly issued access token (\(quoted)): check that the service account "
                    + "\(clientEmail) is enabled and its key in GOOGLE_SERVICE_ACCOUNT_JSON is current", status: status))
        case 403:
            let text = said.lowercased()
            if text.contains("has not been used") || text.contains("is disabled") || text.contains("service_disabled") {
                return .failure(GoogleError(
                    .sheetNotShared,
                    "Google Sheets API is not enabled for the service account's project (\(quoted)): enable "
                        + "\"Google Sheets API\" in the Google Cloud console for that project, wait a few minutes, run again",
                    status: status))
            }
            return .failure(GoogleError(
                .sheetNotShared,
                "Google Sheets refused to read spreadsheet \(id) (\(quoted)): share the sheet with \(clientEmail) "
                    + "(Share → add that address as Viewer)", status: status))
        case 404:
            return .failure(GoogleError(
                .spreadsheetNotFound,
                "Google Sheets has no spreadsheet with id \(id) (\(quoted)): check GOOGLE_SHEETS_SPREADSHEET_ID — it is "
                    + "the part of the sheet's URL between /d/ and /edit", status: status))
        case 429:
            return .failure(GoogleError(
                .quotaExceeded,
                "Google Sheets read quota exceeded (\(quoted)) after \(attempt) attempt(s): the quota is 60 reads a "
                    + "minute per service account; something else is using \(clientEmail) heavily — the next run will try again",
                status: status))
        case 500...599:
            return .failure(GoogleError(
                .sheetsUnavailable,
                "Google Sheets kept failing (\(quoted)) after \(attempt) attempt(s); this is on Google's side, the next run "
                    + "will try again", status: status))
        default:
            return .failure(GoogleError(
                .sheetsResponseInvalid, "Google Sheets answered \(quoted) unexpectedly; check GOOGLE_SHEETS_API_URL",
                status: status))
        }
    }
}
