import Testing
@testable import SignalDomain

@Suite struct StateEncodingTests {
    static let seen = SeenCandle(openTime: at(60), high: p("65010.5"), low: p("0.00000001"), close: p("65000"))

    static let states: [SignalState] = [
        SignalState(version: 1, fingerprint: "binance|BTC/USDT|above|65000||||", arming: 1, phase: .level(.watching),
                    firstCheckedAt: at(0), lastCheckedAt: at(0)),
        SignalState(version: 7, fingerprint: "f", arming: 3, phase: .level(.fired(reachedAt: at(12))), reference: p("0.1867"),
                    firstCheckedAt: at(0), lastCheckedAt: at(60, 1), seen: seen, fireCount: 4, lastReachedAt: at(12),
                    lastFiredCheck: at(60)),
        SignalState(version: 2, fingerprint: "f", arming: 1, phase: .trade(.waitingForEntry), firstCheckedAt: at(0),
                    lastCheckedAt: at(0)),
        SignalState(version: 3, fingerprint: "f", arming: 12345, phase: .trade(.inTrade(takeProfitsHit: 2)), cycle: 4,
                    firstCheckedAt: at(0), lastCheckedAt: at(1)),
        SignalState(version: 9_007_199_254_740_993, fingerprint: "é|🚀", arming: 1,
                    phase: .trade(.closed(reachedAt: at(5, 7), byStopLoss: true)), firstCheckedAt: at(0), lastCheckedAt: at(9)),
        SignalState(version: 4, fingerprint: "f", arming: 1, phase: .trade(.closed(reachedAt: -1, byStopLoss: false)),
                    firstCheckedAt: at(0), lastCheckedAt: at(9)),
    ]

    @Test(arguments: states)
    func roundTrips(_ state: SignalState) throws {
        #expect(try SignalState(attributes: state.attributes) == state)
    }

    @Test(arguments: states)
    func roundTripsThroughJSONText(_ state: SignalState) throws {
        // As a document: numbers keep their text exactly (a version beyond 2^53 included).
        let text = JSONValue.object(JSONObject(state.attributes.map { ($0.key, $0.value) })).serialized
        guard case .object(let o) = try JSONValue.parse(text) else {
            Issue.record("not an object")
            return
        }
        let back = Dictionary(uniqueKeysWithValues: o.entries.map { ($0.key, $0.value) })
        #expect(try SignalState(attributes: back) == state)
    }

    @Test func acceptsNumbersAsTextAndIgnoresForeignKeys() throws {
        var a = Self.states[1].attributes
        a["version"] = .string("7")  // DynamoDB's N arrives as text
        a["PK"] = "SIGNAL#abc"
        a["SK"] = "STATE"
        a["last_error"] = "unknown symbol"
        #expect(try SignalState(attributes: a) == Self.states[1])
    }

    @Test(arguments: [
        ("phase", JSONValue.string("dancing"), "phase"), ("arming", JSONValue.string("x"), "arming"),
        ("seen_high", JSONValue.string("1e"), "seen_high"), ("closed_by", JSONValue.string("maybe"), "closed_by"),
        ("schema", JSONValue.int(2), "schema"), ("fingerprint", JSONValue.null, "fingerprint"),
    ])
    func rejectsABadAttributeByName(_ key: String, _ value: JSONValue, _ field: String) {
        var a = Self.states[1].attributes
        if key == "closed_by" { a = Self.states[4].attributes }
        a[key] = value
        #expect(throws: SignalStateDecodingError.self) { try SignalState(attributes: a) }
        do {
            _ = try SignalState(attributes: a)
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func missingRequiredFieldIsNamed() {
        var a = Self.states[0].attributes
        a["last_checked_at"] = nil
        do {
            _ = try SignalState(attributes: a)
            Issue.record("decoded without last_checked_at")
        } catch {
            #expect(error.description == "signal state attribute last_checked_at: missing")
        }
    }
}
