import Base
import CurlHTTP
import Testing

@testable import LambdaRuntime

@Suite struct RuntimeAPIRequestsTests {
    let requests = RuntimeAPIRequests(endpoint: "127.0.0.1:9001")

    @Test func nextIsALongPollWithoutATotalTimeout() {
        let r = requests.next()
        #expect(r.method == "GET")
        #expect(r.url == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next")
        #expect(r.timeoutMs == 0)
    }

    @Test func responsePostsTheBytesAsJSON() {
        let r = requests.response(requestId: "abc-1", body: Array("[1]".utf8))
        #expect(r.method == "POST")
        #expect(r.url == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/abc-1/response")
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(r.body == Array("[1]".utf8))
        #expect(r.timeoutMs == 0)
    }

    @Test func errorAndInitErrorCarryTheLambdaErrorShape() throws {
        let report = ErrorReport(category: .function, errorType: "SheetUnavailable", errorMessage: "503 from Sheets")
        let e = requests.error(requestId: "id/with space", report: report)
        #expect(e.url == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/id%2Fwith%20space/error")
        #expect(e.headers["Content-Type"] == "application/vnd.aws.lambda.error+json")
        #expect(e.headers["Lambda-Runtime-Function-Error-Type"] == "Function.SheetUnavailable")
        #expect(try JSONValue.parse(e.body) == ["errorMessage": "503 from Sheets", "errorType": "SheetUnavailable"])
        let i = requests.initError(report: ErrorReport(ConfigurationError.missing("SQS_QUEUE_URL"), category: .runtime))
        #expect(i.url == "http://127.0.0.1:9001/2018-06-01/runtime/init/error")
        #expect(i.headers["Lambda-Runtime-Function-Error-Type"] == "Runtime.ConfigurationError")
        #expect(try JSONValue.parse(i.body)["errorMessage"] == "missing required environment variable SQS_QUEUE_URL")
    }

    /// The secret masking that guards every error message must not swallow the reason a secret-named variable
    /// is unusable: the trader needs "is required unless ALERTS_DRY_RUN=1", and the value is never in it.
    @Test func aSecretNamedVariableKeepsItsReason() {
        for (name, reason) in [
            ("TRADING_ALERT_PUSHOVER_API_TOKEN", "is required unless ALERTS_DRY_RUN=1"),
            ("PUSHOVER_USER_KEY", "expected a 30-character Pushover user or group key"),
            ("AWS_SECRET_ACCESS_KEY", "is set without AWS_ACCESS_KEY_ID"),
        ] {
            let report = ErrorReport(ConfigurationError.invalid(name, reason), category: .runtime)
            #expect(report.errorMessage.contains(name))
            #expect(report.errorMessage.contains(reason), "\(report.errorMessage)")
        }
    }
}

@Suite struct ErrorReportTests {
    struct lowercase_error: Error {}
    struct Wrapper<T>: Error {}
    struct Custom: LambdaReportableError { var errorType: String { "RowRejected" } }

    @Test func typesAreNamesLambdaAccepts() {
        #expect(ErrorReport(lowercase_error(), category: .function).errorType == "Lowercaseerror")
        #expect(ErrorReport(Wrapper<Int>(), category: .function).errorType == "WrapperInt")
        #expect(ErrorReport(Custom(), category: .function).headerValue == "Function.RowRejected")
        #expect(ErrorReport.sanitisedType("1") == "Unhandled")
    }

    @Test func messagesAreRedactedAndBounded() {
        let r = ErrorReport(category: .function, errorType: "X", errorMessage: "GET /?token=s3cret " + String(repeating: "z", count: 10_000))
        #expect(!r.errorMessage.contains("s3cret"))
        #expect(r.errorMessage.utf8.count <= ErrorReport.maxMessageLength + 3)
    }
}

@Suite struct LambdaMainModeTests {
    @Test(arguments: [
        ([], ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"], LambdaMain.Mode.lambda(endpoint: "127.0.0.1:9001")),
        (["--event", "e.json"], ["AWS_LAMBDA_RUNTIME_API": "h:1"], .local(eventPath: "e.json")),
        (["--event", "-"], [:], .local(eventPath: "-")),
        ([], [:], .usage(problem: nil)),
        (["--event"], [:], .usage(problem: "--event needs a FILE or -")),
        (["--help"], [:], .help),
    ] as [([String], [String: String], LambdaMain.Mode)])
    func modeFromArgumentsAndEnvironment(args: [String], env: [String: String], mode: LambdaMain.Mode) {
        #expect(LambdaMain.mode(arguments: args, environment: Environment(env)) == mode)
    }
}
