import Testing
@testable import Base

@Suite struct UTCTimeTests {
    @Test func formatsRFC3339() {
        #expect(UTCTime.format(0) == "1970-01-01T00:00:00Z")
        #expect(UTCTime.format(1_795_636_800_000) == "2026-11-25T20:00:00Z")
        #expect(UTCTime.format(1_795_636_800_123, milliseconds: true) == "2026-11-25T20:00:00.123Z")
        #expect(UTCTime.format(-1) == "1969-12-31T23:59:59Z")
    }

    @Test(arguments: [
        ("2026-11-25", Int64(1_795_564_800_000)),
        ("2026-11-25T20:00:00Z", 1_795_636_800_000),
        ("2026-11-25T20:00Z", 1_795_636_800_000),
        ("2026-11-25 20:00:00", 1_795_636_800_000),
        ("2026-11-25T21:00:00+01:00", 1_795_636_800_000),
        ("2026-11-25T15:30:00-0430", 1_795_636_800_000),
        ("2026-11-25T20:00:00.5Z", 1_795_636_800_500),
        // More than three fraction digits (Coinbase's `time` fields carry microseconds) are cut to ms.
        ("2026-11-25T20:00:00.511254Z", 1_795_636_800_511),
    ])
    func parsesISO8601(_ text: String, _ ms: Int64) {
        #expect(UTCTime.parseISO8601(text) == ms)
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "2026-11-25T24:00", "26-11-25", "2026-11-25Tx", "2026-11-25T20:00:00+25:00", "yesterday"])
    func rejectsBadDates(_ text: String) {
        #expect(UTCTime.parseISO8601(text) == nil)
    }
}
