import Base
import Testing

@Suite struct EnvironmentTests {
    let env: Environment = ["A": "x", "EMPTY": "", "N": " 42 ", "BAD": "4x", "T": "Yes"]

    @Test func emptyCountsAsUnset() throws {
        #expect(env["EMPTY"] == nil)
        #expect(env.first("EMPTY", "A") == "x")
        #expect(throws: ConfigurationError.missing("EMPTY")) { try env.required("EMPTY") }
        #expect(try env.required("A") == "x")
    }

    @Test func typedValuesNameTheVariableButNotTheValue() throws {
        #expect(try env.int("N", default: 0) == 42)
        #expect(try env.int("MISSING", default: 7) == 7)
        #expect(throws: ConfigurationError.invalid("BAD", "expected an integer")) { try env.int("BAD", default: 0) }
        #expect(throws: ConfigurationError.self) { try env.int("N", default: 0, in: 1...10) }
        #expect(try env.bool("T", default: false))
        let error = ConfigurationError.invalid("BAD", "expected an integer")
        #expect(error.description == "environment variable BAD has an invalid value: expected an integer")
        #expect(!error.description.contains("4x"))
        #expect(ConfigurationError.missing("SQS_QUEUE_URL").description == "missing required environment variable SQS_QUEUE_URL")
    }

    @Test func processSnapshotSeesTheRealEnvironment() {
        #expect(Environment.process()["PATH"] != nil)
    }
}
