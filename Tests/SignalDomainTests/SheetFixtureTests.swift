import Testing
@testable import SignalDomain

/// The shared fixtures in Tests/Fixtures (written by make_sheet_fixtures.py, row by row beside the
/// intended outcome) must come out of the parser exactly as their `.expected.json` says. The same
/// files drive the end-to-end reader tests.
@Suite struct SheetFixtureTests {
    static let names = ["hostile-sheet", "missing-header-sheet", "example-sheet"]

    struct Loaded {
        let parsed: SheetParseResult
        let expected: JSONValue
        let values: [[JSONValue]]
        let now: EpochMillis
    }

    static func load(_ name: String) throws -> Loaded {
        let sheet = try Fixture.json(name + ".json")
        let expected = try Fixture.json(name + ".expected.json")
        let now = try #require(expected["now"]?.stringValue.flatMap(UTCTime.parseISO8601))
        let values = SheetParser.values(fromResponse: sheet)
        let firstRow = SheetParser.firstRow(ofRange: sheet["range"]?.stringValue ?? "")
        return Loaded(
            parsed: SheetParser.parse(values: values, now: now, firstRow: firstRow), expected: expected,
            values: values, now: now)
    }

    @Test(arguments: names)
    func matchesExpectation(_ name: String) throws {
        let f = try Self.load(name)
        #expect(!f.values.isEmpty, "fixture \(name) not found at \(Fixture.path(name + ".json"))")
        #expect(f.parsed.rowsRead == f.expected["rows"]?.intValue)

        let expectedSignals = f.expected["enqueued"]?.arrayValue ?? []
        #expect(f.parsed.signals.count == expectedSignals.count)
        for (got, want) in zip(f.parsed.signals, expectedSignals) {
            #expect(got.row == want["row"]?.intValue)
            // Compared as text: same fields, same order, same normalised values.
            #expect(
                SignalMessage.encode(got.signal).serializedText == want["signal"]?.serialized,
                "row \(got.row)")
        }

        let skipped = f.parsed.skippedJSON.arrayValue ?? []
        #expect(skipped == f.expected["skipped"]?.arrayValue)

        let wantRejected = f.expected["rejected"]?.arrayValue ?? []
        #expect(f.parsed.rejected.count == wantRejected.count)
        for (got, want) in zip(f.parsed.rejected, wantRejected) {
            #expect(got.json == want, "row \(got.row)")
        }
    }

    @Test func hostileSheetIsBigEnough() throws {
        let f = try Self.load("hostile-sheet")
        #expect(f.parsed.rowsRead >= 50)
        #expect(f.parsed.rejected.count >= 40)
    }

    /// Every non-blank row lands in exactly one list; every rejection names a column and a reason.
    @Test(arguments: names)
    func everyRowAccountedFor(_ name: String) throws {
        let p = try Self.load(name).parsed
        #expect(p.rowsRead == p.signals.count + p.skipped.count + p.rejected.count)
        let rows = p.signals.map(\.row) + p.skipped.map(\.row) + p.rejected.map(\.row)
        #expect(Set(rows).count == rows.count)
        for r in p.rejected {
            #expect(!r.reason.isEmpty)
            #expect(r.value.count <= SheetCell.maxShownValue + 1)
        }
    }

    /// A row's outcome does not depend on its neighbours: parsed alone under the same header, each
    /// row gives the same result as in the full sheet (duplicates aside, which name an earlier row).
    @Test(arguments: names)
    func neighboursDoNotMatter(_ name: String) throws {
        let f = try Self.load(name)
        let inSheet = results(of: f.parsed)
        for (offset, row) in f.values.dropFirst().enumerated() {
            let number = offset + 2
            let alone = parseRow(header: f.values[0], row, now: f.now)
            let together = inSheet[number] ?? .blank
            if case .rejected(.id, _, let reason) = together, reason.hasPrefix("duplicate of row") {
                #expect(alone.signal != nil, "row \(number)")
                continue
            }
            #expect(alone == together, "row \(number)")
        }
    }

    /// Shuffled rows: each row's outcome moves with it (the first of two duplicates wins wherever it is).
    @Test func rowOrderDoesNotMatter() throws {
        let f = try Self.load("hostile-sheet")
        var rng = SplitMix64(seed: 42)
        var rows = Array(f.values.dropFirst())
        rows.shuffle(using: &rng)
        let shuffled = SheetParser.parse(values: [f.values[0]] + rows, now: f.now)
        #expect(shuffled.rowsRead == f.parsed.rowsRead)
        #expect(shuffled.signals.count == f.parsed.signals.count)
        #expect(shuffled.skipped.count == f.parsed.skipped.count)
        #expect(shuffled.rejected.count == f.parsed.rejected.count)
    }

    /// Random corruption of cells (seeded): the parser never traps and its books always balance.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func corruptedCellsNeverCrash(_ seed: UInt64) throws {
        let f = try Self.load("hostile-sheet")
        var rng = SplitMix64(seed: seed)
        let junk: [JSONValue] = [
            "", " ", "=A1", "#N/A", "NaN", "1e400", "-1", "0", "$", "€1,000,000.00", ",", ";", "\u{0}", "🚀",
            .number("1e-400"), .number("-0"), .bool(true), .null, .array([]), .object(JSONObject()),
            .string(String(repeating: "9", count: 5000)), "66,000,,;;68,000", "2026-13-45", "TRUE", "long", "BTC/",
        ]
        var values = f.values
        for i in 1..<values.count {
            for _ in 0..<3 {
                let col = Int.random(in: 0..<20, using: &rng)
                while values[i].count <= col { values[i].append("") }
                values[i][col] = junk.randomElement(using: &rng)!
            }
        }
        let p = SheetParser.parse(values: values, now: f.now)
        #expect(p.rowsRead == p.signals.count + p.skipped.count + p.rejected.count)
        for s in p.signals {
            #expect(try SignalMessage(body: SignalMessage(run: nil, sheet: nil, signal: s.signal).body).signal == s.signal)
        }
    }
}

/// A small seeded generator so shuffles and corruptions are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
