import Base
import Testing

@testable import AWS

@Suite struct AttributeValueTests {
    @Test func roundTripsEveryType() throws {
        let item: DynamoDBItem = [
            "s": .s("héllo 🚀 \"quoted\""), "empty": .s(""), "n": .n("0.1867"), "big": .n("123456789012345678901234567890.12345678"),
            "tiny": .n("-1.5E-129"), "b": .b([0, 1, 2, 255]), "t": .bool(true), "nil": .null,
            "m": .m(["inner": .l([.n("1"), .s("x"), .m([:])])]), "ss": .ss(["a", "b"]), "ns": .ns(["1", "2.50"]),
            "bs": .bs([[1], [2, 3]]),
        ]
        try AttributeValue.validate(item: item)
        let text = AttributeValue.json(item: item).serialized
        let back = try AttributeValue.item(json: try JSONValue.parse(text))
        #expect(back == item)
        #expect(back["n"]?.numberText == "0.1867")  // exact text, no float noise
        #expect(back["ns"]?.numberSetValue == ["1", "2.50"])
    }

    @Test func wireFormIsDynamoDBs() {
        #expect(AttributeValue.n("65000").json.serialized == #"{"N":"65000"}"#)
        #expect(AttributeValue.b(Array("hi".utf8)).json.serialized == #"{"B":"aGk="}"#)
        #expect(AttributeValue.null.json.serialized == #"{"NULL":true}"#)
        #expect(AttributeValue.json(item: ["b": 1, "a": "x"]).serialized == #"{"a":{"S":"x"},"b":{"N":"1"}}"#)
    }

    @Test(arguments: [
        "0", "-0", "65000", "0.000000000000000000000000000000000001", "1e125", "9.99E+125", "1E-130", "-12.5e-3",
        "12345678901234567890123456789012345678", "1000000000000000000000000000000000000000000",
    ])
    func acceptsNumbers(_ text: String) throws {
        _ = try AttributeValue.number(text)
    }

    @Test(arguments: [
        "", "-", "abc", "1.2.3", "1e", "NaN", "Infinity", "0x10", "1 ", " 1", "1,5", "1e126", "1E-131",
        "123456789012345678901234567890123456789",  // 39 significant digits
    ])
    func rejectsNonNumbers(_ text: String) {
        #expect(throws: AttributeValueError.self) { try AttributeValue.number(text) }
    }

    @Test func emptyAndDuplicateSetsAreRejected() {
        for bad: AttributeValue in [.ss([]), .ns([]), .bs([]), .ss(["a", "a"]), .ns(["1", "x"])] {
            #expect(throws: AttributeValueError.self) { try bad.validate() }
        }
        let nested: DynamoDBItem = ["outer": .m(["list": .l([.s("ok"), .ss([])])])]
        #expect(throws: AttributeValueError(path: "outer.list[1]", reason: "an empty SS set is not allowed")) {
            try AttributeValue.validate(item: nested)
        }
    }

    @Test func emptyStringsAllowedExceptInKeys() throws {
        try AttributeValue.validate(item: ["note": .s(""), "blob": .b([])])
        #expect(throws: AttributeValueError.self) { try AttributeValue.validateKey(["PK": .s("")]) }
        #expect(throws: AttributeValueError.self) { try AttributeValue.validateKey(["PK": .bool(true)]) }
        #expect(throws: AttributeValueError.self) { try AttributeValue.validateKey([:]) }
        try AttributeValue.validateKey(["PK": "SIGNAL#1", "SK": "STATE"])
    }

    @Test func malformedWireValuesAreErrors() {
        for text in [#"{"S":1}"#, #"{"S":"a","N":"1"}"#, #"{"X":"1"}"#, #"{"L":{}}"#, #"{"B":"!!"}"#, #"[]"#] {
            #expect(throws: AttributeValueError.self) { try AttributeValue(json: try JSONValue.parse(text)) }
        }
    }

    @Test func invalidItemIsRefusedBeforeSending() async {
        let transport = FakeTransport(responses: [Fixtures.json(200, "{}")])
        let ddb = DynamoDBClient(core: Fixtures.core(transport))
        let error = await #expect(throws: AWSError.self) {
            try await ddb.putItem(table: "t", item: ["PK": "a", "tags": .ss([])])
        }
        #expect(error?.kind == .invalidRequest)
        #expect(transport.requests.isEmpty)
    }
}
