import Testing
@testable import Base

@Suite struct JSONTests {
    @Test func roundTripKeepsNumberTextAndKeyOrder() throws {
        let text = #"{"b":0.1867,"a":[1,-2.5e3,true,false,null],"s":"x\"y\\z\n\u00e9\ud83d\ude00"}"#
        let v = try JSONValue.parse(text)
        #expect(v["b"]?.numberText == "0.1867")
        #expect(v["a"]?[1]?.numberText == "-2.5e3")
        #expect(v["s"]?.stringValue == "x\"y\\z\né😀")
        #expect(v.serialized == #"{"b":0.1867,"a":[1,-2.5e3,true,false,null],"s":"x\"y\\z\né😀"}"#)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\"}", "01", "1.", "-", "\"\\x\"", "\"\u{01}\"", "tru", "[1] 2", "\"\\ud800\"", "1e",
        "{\"a\":1,}", "nan",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func controlCharactersAreEscaped() {
        #expect(JSONValue.string("a\u{01}b\tc").serialized == #""a\u0001b\tc""#)
    }

    @Test func intAccessors() throws {
        #expect(try JSONValue.parse("12.0").intValue == 12)
        #expect(try JSONValue.parse("1.5").intValue == nil)
        #expect(JSONValue.double(3).serialized == "3")
        #expect(JSONValue.double(.nan) == .null)
    }
}
