import AWS
import Base
import Google

/// Everything the reader needs, read once from the environment at start-up (SPEC §7). A missing or
/// malformed variable is a `ConfigurationError` naming it, which the runtime reports as an init error;
/// the service-account key is parsed here, so a broken key fails the start, not every hourly run.
public struct ReaderConfiguration: Sendable {
    public let spreadsheetID: String
    public let serviceAccount: ServiceAccountKey
    public let range: SheetRange
    public let queueURL: String
    public let aws: AWSConfiguration
    public let sheetsAPIURL: String

    public init(environment env: [String: String]) throws(ConfigurationError) {
        let environment = Environment(env)
        spreadsheetID = try Self.spreadsheetID(environment.required("GOOGLE_SHEETS_SPREADSHEET_ID"))

        let keyText = try environment.required("GOOGLE_SERVICE_ACCOUNT_JSON")
        do { serviceAccount = try ServiceAccountKey(json: keyText) } catch {
            throw .invalid("GOOGLE_SERVICE_ACCOUNT_JSON", error.message)
        }

        range = SheetRange(environment["GOOGLE_SHEETS_RANGE"])

        let queue = try environment.required("SQS_QUEUE_URL").trimmedSpaces
        let lower = queue.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), !queue.contains(" ") else {
            throw .invalid("SQS_QUEUE_URL", "expected the queue's URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/signals")
        }
        queueURL = queue

        aws = try AWSConfiguration(environment: env)

        let sheets = environment["GOOGLE_SHEETS_API_URL"]?.trimmedSpaces ?? SheetsClient.defaultBaseURL
        guard URLPolicy.isAcceptable(sheets) else {
            throw .invalid("GOOGLE_SHEETS_API_URL", "expected an https:// URL (plain http only to this machine)")
        }
        sheetsAPIURL = sheets
    }

    /// The id, or the id taken from a pasted sheet URL (`https://docs.google.com/spreadsheets/d/<id>/edit#gid=0`).
    static func spreadsheetID(_ raw: String) throws(ConfigurationError) -> String {
        var id = raw.trimmedSpaces
        if let marker = id.firstRange(of: "/spreadsheets/d/") {
            id = String(id[marker.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        }
        guard !id.isEmpty, id.utf8.count <= 200,
            id.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") })
        else {
            throw .invalid(
                "GOOGLE_SHEETS_SPREADSHEET_ID",
                "expected the id from the sheet's URL (the part between /d/ and /edit: letters, digits, - and _)")
        }
        return id
    }
}

extension String {
    var trimmedSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
