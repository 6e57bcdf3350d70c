import Testing
@testable import SignalDomain

/// The derived identity and duplicate rows (SPEC §2 `id`).
@Suite struct IdentityTests {
    /// FIPS 180-2 / NIST CSRC example vectors for SHA-256.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        (String(repeating: "a", count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ])
    func sha256Vectors(_ input: String, _ hex: String) {
        #expect(PureSHA256.hex(PureSHA256.hash(Array(input.utf8))) == hex)
    }

    @Test func sha256PaddingBoundaries() {
        // 55, 56, 63, 64 bytes straddle the one-/two-block padding cases; checked against OpenSSL.
        let expected = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        ]
        for (n, hex) in expected {
            #expect(PureSHA256.hex(PureSHA256.hash([UInt8](repeating: 0x61, count: n))) == hex, "\(n)")
        }
    }

    /// Equal values spelled differently are the same signal.
    @Test(arguments: [
        [JSONValue.number("50000"), "50000", "50,000.00", "$50,000", "50000.0 $", " 50000 ", .number("5e4"), "€50,000.000"],
    ] as [[JSONValue]])
    func equalLevelsGiveEqualIdentity(_ spellings: [JSONValue]) {
        let ids = spellings.map { parseRow(aboveRow([.targetPrice: $0])).signal?.id }
        #expect(ids.allSatisfy { $0 != nil })
        #expect(Set(ids).count == 1, "\(ids)")
    }

    @Test func spellingsOfEveryIdentityFieldAgree() {
        let base = parseRow(longRow([.user: "alice"])).signal!.id
        let variants: [[SheetColumn: JSONValue]] = [
            longRow([.user: "alice", .exchange: "Binance"]),
            longRow([.user: "alice", .exchange: " BINANCE "]),
            longRow([.user: "alice", .symbol: "btc/usdt"]),
            longRow([.user: "alice", .symbol: "BTC-USDT"]),
            longRow([.user: "alice", .condition: "LONG"]),
            longRow([.user: "alice", .takeProfit: "68,000, 66,000"]),
            longRow([.user: "alice", .entry: "$64,000.00", .stopLoss: "62000.000"]),
            // Not part of what the signal is: note, priority, sound, repeat, expires, active.
            longRow([.user: "alice", .note: "other", .priority: 2, .sound: "siren", .repeat: "4h", .expires: "2099-01-01", .active: "yes"]),
        ]
        for v in variants { #expect(parseRow(v).signal?.id == base, "\(v)") }
    }

    @Test func differentSignalsGetDifferentIdentities() {
        let rows: [[SheetColumn: JSONValue]] = [
            aboveRow([:]), aboveRow([.targetPrice: 65001]), aboveRow([.condition: "below"]),
            aboveRow([.exchange: "bybit"]), aboveRow([.symbol: "BTCUSDC"]), aboveRow([.user: "alice"]),
            aboveRow([.user: "bob"]), longRow([:]), longRow([.entry: ""]), longRow([.takeProfit: "66000"]),
            [.symbol: "BTCUSDT", .condition: "pct_up", .percent: 5], [.symbol: "BTCUSDT", .condition: "pct_down", .percent: 5],
        ]
        let ids = rows.map { parseRow($0).signal?.id }
        #expect(ids.allSatisfy { $0?.hasPrefix("sig-") == true })
        #expect(Set(ids).count == rows.count)
    }

    /// Pinned: a change here gives every trader's signals new identities (and fresh state).
    @Test func derivedIdentityIsStable() {
        let s = parseRow(aboveRow([:])).signal!
        #expect(s.identityText == "v1|binance|BTC/USDT|above|65000|||||")
        #expect(s.id == "sig-" + String(PureSHA256.hex(PureSHA256.hash(Array(s.identityText.utf8))).prefix(24)))
        #expect(s.id.count == 28)
    }

    @Test func traderChosenIDWins() {
        #expect(parseRow(aboveRow([.id: "my-btc"])).signal?.id == "my-btc")
    }

    @Test func laterDuplicatesAreRejectedNamingTheFirst() {
        let h: [JSONValue] = ["symbol", "condition", "price", "id", "active"]
        let values: [[JSONValue]] = [
            h,
            ["BTCUSDT", "above", 65000],  // 2
            ["BTC/USDT", "above", "65,000.00"],  // 3: same as 2
            ["BTCUSDT", "above", "$65,000"],  // 4: same as 2
            ["ETHUSDT", "above", 4000, "x"],  // 5
            ["SOLUSDT", "below", 100, "x"],  // 6: same id as 5
            ["BTCUSDT", "above", "abc"],  // 7: rejected, so…
            ["BTCUSDT", "above", 1, "", false],  // 8: inactive: not in the identity book
            ["BTCUSDT", "above", 1],  // 9: …nor is this a duplicate of 7 or 8
        ]
        let p = SheetParser.parse(values: values, now: testNow)
        #expect(p.signals.map(\.row) == [2, 5, 9])
        #expect(p.skipped.map(\.row) == [8])
        let dups = p.rejected.filter { $0.reason.hasPrefix("duplicate") }
        #expect(dups.map(\.row) == [3, 4, 6])
        #expect(dups[0].reason == "duplicate of row 2 (same exchange, symbol, condition, levels and user)")
        #expect(dups[0].column == .id && dups[0].value == p.signals[0].signal.id)
        #expect(dups[1].reason.hasPrefix("duplicate of row 2"))
        #expect(dups[2] == RowRejection(row: 6, column: .id, value: "x", reason: "duplicate of row 5 (same id)"))
    }

    /// Trader ids are case-sensitive, as the state they key is.
    @Test func idsAreCaseSensitive() {
        let values: [[JSONValue]] = [["id", "symbol", "condition", "price"], ["A", "BTCUSDT", "above", 1], ["a", "BTCUSDT", "above", 2]]
        #expect(SheetParser.parse(values: values, now: testNow).signals.count == 2)
    }
}
