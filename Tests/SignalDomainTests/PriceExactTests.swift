import Testing
@testable import SignalDomain

@Suite struct PriceExactTests {
    @Test(arguments: [
        ("65000", "65000", 0), ("65000", "65000.5", -1), ("0.1", "0.09999", 1), ("10", "9.999", 1),
        ("0.30000000000000004", "0.3", 1), ("0.3", "0.30000000000000001", -1),  // equal as doubles
        ("-1", "0", -1), ("-2", "-1.5", -1), ("1000000000000000000001", "1000000000000000000000", 1),
    ])
    func comparesExactly(_ a: String, _ b: String, _ expected: Int) {
        #expect(Price.compareExactly(p(a), p(b)) == expected)
        #expect(Price.compareExactly(p(b), p(a)) == -expected)
    }

    @Test(arguments: [
        ("100", "5", true, "105"), ("63000", "5", true, "66150"), ("100", "3", false, "97"),
        ("0.1867", "3", false, "0.181099"), ("65012.5", "2.5", true, "66637.8125"),
        ("0.00001234", "10", true, "0.000013574"), ("1", "0.01", true, "1.0001"), ("250", "100", true, "500"),
    ])
    func percentLevelsAreExact(_ reference: String, _ percent: String, _ up: Bool, _ expected: String) {
        #expect(Price.percentLevel(reference: p(reference), percent: p(percent), up: up)?.text == expected)
    }

    @Test(arguments: ["100", "150"])
    func aFallOfAHundredPercentOrMoreIsUnreachable(_ percent: String) {
        #expect(Price.percentLevel(reference: p("65000"), percent: p(percent), up: false) == nil)
    }
}
