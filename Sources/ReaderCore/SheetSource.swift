import Base
import Google

/// Where the reader gets the sheet's cells. `GoogleSheetSource` is the real one; tests substitute a fake.
public protocol SheetSource: Sendable {
    func read(deadline: EpochMillis?) async throws(GoogleError) -> SheetValues
}

/// The configured spreadsheet and range, through the Sheets API.
public struct GoogleSheetSource: SheetSource {
    public let client: SheetsClient
    public let spreadsheetID: String
    public let range: SheetRange

    public init(client: SheetsClient, spreadsheetID: String, range: SheetRange) {
        self.client = client
        self.spreadsheetID = spreadsheetID
        self.range = range
    }

    public func read(deadline: EpochMillis?) async throws(GoogleError) -> SheetValues {
        try await client.values(spreadsheetID: spreadsheetID, range: range, deadline: deadline)
    }
}
