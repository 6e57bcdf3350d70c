// A minimal bootstrap over LambdaRuntime for the runtime's end-to-end tests and `scripts/bench`.
// The event chooses the behaviour:
//   {}                         echo the event back (the benchmark's trivial handler)
//   {"fail":"why"}             throw (errorType ProbeFailure)
//   {"sleepMs":N}              sleep N ms, then answer with the time left before and after
//   {"bytes":N}                answer with a JSON string N bytes long ({"big":true}: 7 MB)
//   {"context":true}           answer with the invocation context and _X_AMZN_TRACE_ID
//   {"log":"text"}             log the text at info, then echo
// PROBE_REQUIRE=VAR makes setup require VAR (to exercise /init/error).
import Base
import LambdaRuntime
import Logs

#if canImport(Glibc)
import Glibc
#endif

struct ProbeFailure: Error, LambdaReportableError, CustomStringConvertible {
    let message: String
    var errorType: String { "ProbeFailure" }
    var description: String { message }
}

struct Probe: LambdaHandler {
    func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let json = try JSONValue.parse(event)
        if let why = json["fail"]?.stringValue { throw ProbeFailure(message: why) }
        if let ms = json["sleepMs"]?.intValue {
            let before = context.remainingMillis()
            try await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000)
            let answer: JSONValue = ["remainingBefore": .int(before), "remainingAfter": .int(context.remainingMillis())]
            return answer.serializedBytes
        }
        if json["big"]?.boolValue == true || json["bytes"] != nil {
            let n = json["bytes"]?.intValue ?? 7_000_000
            return [0x22] + [UInt8](repeating: 0x61, count: max(n - 2, 0)) + [0x22]
        }
        if json["context"]?.boolValue == true {
            let env = getenv("_X_AMZN_TRACE_ID").map { JSONValue.string(String(cString: $0)) } ?? .null
            let answer: JSONValue = [
                "requestId": .string(context.requestId), "deadlineMs": .int(context.deadlineMs),
                "remainingMs": .int(context.remainingMillis()), "invokedFunctionArn": .string(context.invokedFunctionArn),
                "traceId": .optional(context.traceId), "traceEnv": env,
            ]
            return answer.serializedBytes
        }
        if let text = json["log"]?.stringValue { context.logger.info(text, ["probe": true]) }
        return event
    }
}

await LambdaMain.run(name: "runtime-probe") { setup in
    if let name = setup.environment["PROBE_REQUIRE"] { _ = try setup.environment.required(name) }
    return Probe()
}
