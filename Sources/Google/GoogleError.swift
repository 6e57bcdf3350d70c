/// Everything that can go wrong between the service-account key and the sheet's values, as data.
/// Each message tells the trader what to fix. No message ever carries the private key, the signed
/// assertion or an access token: only Google's own error text, status codes and names the trader chose.
public struct GoogleError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// `GOOGLE_SERVICE_ACCOUNT_JSON` is not a JSON object.
        case keyNotJSON
        /// A field the flow needs is absent or empty; `field` names it.
        case keyFieldMissing
        /// The `private_key` PEM (or another field's value) does not parse.
        case keyInvalid
        /// The token endpoint refused the grant (`invalid_grant`, `unauthorized_client`, …).
        case tokenRejected
        /// The token endpoint answered with something that is not a token.
        case tokenResponseInvalid
        /// The token endpoint could not be reached or kept failing (5xx, 429, timeouts) until we gave up.
        case tokenUnavailable
        /// 403: the sheet is not shared with the service account (or the Sheets API is disabled).
        case sheetNotShared
        /// 404: no spreadsheet has that id.
        case spreadsheetNotFound
        /// 400: the A1 range does not parse or names a tab that does not exist.
        case rangeInvalid
        /// 429 until we gave up: the per-minute read quota is spent.
        case quotaExceeded
        /// 401 even with a fresh token.
        case unauthorized
        /// Sheets could not be reached or kept failing (5xx, timeouts) until we gave up.
        case sheetsUnavailable
        /// Sheets answered 2xx with a body that is not a ValueRange, or another unexpected status.
        case sheetsResponseInvalid
    }

    public let code: Code
    /// What happened and what to do about it.
    public let message: String
    /// The HTTP status Google answered with, when there was one.
    public let status: Int?
    /// The key-file field concerned, for `keyFieldMissing` / `keyInvalid`.
    public let field: String?

    public init(_ code: Code, _ message: String, status: Int? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.field = field
    }

    public var description: String { message }

    /// Worth trying again on a later run without changing anything (quota, outages); the others need the
    /// trader to fix the key, the sharing, the id or the range.
    public var isTransient: Bool {
        switch code {
        case .tokenUnavailable, .quotaExceeded, .sheetsUnavailable: return true
        case .keyNotJSON, .keyFieldMissing, .keyInvalid, .tokenRejected, .tokenResponseInvalid, .sheetNotShared,
            .spreadsheetNotFound, .rangeInvalid, .unauthorized, .sheetsResponseInvalid:
            return false
        }
    }
}
