import Base
import Logs
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct LoggerTests {
    let clock = FixedClock(1_764_100_800_123)  // 2025-11-25T20:00:00.123Z

    @Test func aLineIsOneJSONObjectWithTheStandardKeysFirst() throws {
        let capture = LogCapture()
        let logger = Logger(output: capture, clock: clock).with(["function": "reader"]).with(requestId: "req-1")
        logger.info("rows read", ["rows": 14, "sheet": "Signals", "message": "clash"])
        #expect(capture.lines == [
            #"{"timestamp":"2025-11-25T20:00:00.123Z","level":"INFO","message":"rows read","requestId":"req-1","function":"reader","rows":14,"sheet":"Signals","message_":"clash"}"#
        ])
    }

    @Test func linesWithoutARequestIdOmitIt() throws {
        let capture = LogCapture()
        Logger(output: capture, clock: clock).warn("multi\nline \"quoted\"")
        let record = try #require(try capture.records().first)
        #expect(record["requestId"] == nil)
        #expect(record["level"] == "WARN")
        #expect(record["message"] == "multi\nline \"quoted\"")
        #expect(!capture.lines[0].contains("\n"))
    }

    @Test func levelsFilterAndTheMessageIsNotBuiltWhenFiltered() {
        let capture = LogCapture()
        let logger = Logger(configuration: .init(level: .warn), output: capture, clock: clock)
        var built = false
        logger.debug({ built = true; return "expensive" }())
        logger.info("no")
        logger.warn("yes")
        logger.error("also")
        #expect(!built)
        #expect(capture.lines.count == 2)
    }

    @Test(arguments: [
        (["LOG_LEVEL": "debug"], LogLevel.debug, nil as String?),
        (["AWS_LAMBDA_LOG_LEVEL": "WARN"], .warn, nil),
        (["LOG_LEVEL": "error", "AWS_LAMBDA_LOG_LEVEL": "DEBUG"], .error, nil),
        (["AWS_LAMBDA_LOG_LEVEL": "TRACE"], .debug, nil),
        (["LOG_LEVEL": "loud"], .info, "LOG_LEVEL"),
        ([:], .info, nil),
    ])
    func levelComesFromTheEnvironment(env: [String: String], level: LogLevel, unrecognised: String?) {
        let c = Logger.Configuration(environment: Environment(env))
        #expect(c.level == level)
        #expect(c.unrecognisedVariable == unrecognised)
    }

    @Test func secretsInMessagesAndFieldsAreMasked() throws {
        let capture = LogCapture()
        Logger(output: capture, clock: clock).error("call failed: https://h/x?token=abc123&q=1", ["header": "Bearer eyJhbGciOi.eyJzdWIiOiJ4In0.sig"])
        let line = capture.lines[0]
        #expect(!line.contains("abc123"))
        #expect(!line.contains("eyJzdWIi"))
        #expect(line.contains("q=1"))
    }
}

@Suite struct MetricsTests {
    @Test func emfRecordHasTheCloudWatchShape() {
        let record = Metrics.record(
            namespace: "TradingAlerts", dimensions: [("Function", "reader")], counts: [("RowsRead", 14), ("RowsRejected", 2)],
            timestamp: 1_764_100_800_000, requestId: "r1")
        #expect(record.serialized == #"{"_aws":{"Timestamp":1764100800000,"CloudWatchMetrics":[{"Namespace":"TradingAlerts","Dimensions":[["Function"]],"Metrics":[{"Name":"RowsRead","Unit":"Count"},{"Name":"RowsRejected","Unit":"Count"}]}]},"Function":"reader","requestId":"r1","RowsRead":14,"RowsRejected":2}"#)
    }

    @Test func emitWritesOneLineWhateverTheLevelAndNothingForNoCounts() throws {
        let capture = LogCapture()
        let logger = Logger(configuration: .init(level: .error), output: capture, clock: FixedClock(5))
        let metrics = Metrics(logger: logger, function: "worker")
        metrics.emit(["EventsFired": 1])
        metrics.emit([] as [(String, Int)])
        #expect(capture.lines.count == 1)
        let record = try #require(try capture.records().first)
        #expect(record["EventsFired"]?.intValue == 1)
        #expect(record["Function"] == "worker")
        #expect(record["_aws"]?["Timestamp"]?.intValue == 5)
    }
}

@Suite struct RedactTests {
    @Test(arguments: [
        ("GET /x?token=abc&user=u1&message=hi", "GET /x?token=[REDACTED]&user=[REDACTED]&message=hi"),
        (#"{"password":"p\"w","name":"n"}"#, #"{"password":"[REDACTED]","name":"n"}"#),
        (#"body {\"client_secret\":\"s3\",\"a\":1}"#, #"body {\"client_secret\":\"[REDACTED]\",\"a\":1}"#),
        ("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2026/us-east-1/sqs/aws4_request, Signature=f00d\nHost: h",
         "Authorization: [REDACTED], Signature=[REDACTED]\nHost: h"),
        ("X-Amz-Signature=deadbeef&X-Amz-Date=1", "X-Amz-Signature=[REDACTED]&X-Amz-Date=1"),
        ("X-MBX-APIKEY: k1", "X-MBX-APIKEY: [REDACTED]"),
        ("using bearer abc.def", "using bearer [REDACTED]"),
        ("jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln done", "jwt [REDACTED] done"),
        // Key-shaped inputs are assembled here so that secret scanners do not take the test file for a key.
        ("key " + "AKIA" + "ABCDEFGHIJKLMNOP used", "key [REDACTED] used"),
        ("-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE\n-----END RSA " + "PRIVATE KEY-----\nafter",
         "[private key [REDACTED]]\nafter"),
        ("at 2026-11-25T20:00:00Z price=101.5 rows: 14 https://api.binance.com/api", "at 2026-11-25T20:00:00Z price=101.5 rows: 14 https://api.binance.com/api"),
        (#"{"Key":{"pk":"BTC"},"ok":true}"#, #"{"Key":{"pk":"BTC"},"ok":true}"#),
    ])
    func masks(input: String, expected: String) {
        #expect(Redact.secrets(in: input) == expected)
    }
}

@Suite struct FileDescriptorOutputTests {
    private func makePipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        _ = fcntl(fds[1], 1031 /* F_SETPIPE_SZ */, 4096)
        return (fds[0], fds[1])
    }

    private func drain(_ fd: Int32) -> [UInt8] {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            out += buf[0..<n]
        }
        return out
    }

    @Test func aStuckReaderCostsOneBudgetThenLinesAreDroppedCountedAndReported() throws {
        let (r, w) = makePipe()
        defer { close(r); close(w) }
        let output = FileDescriptorOutput(fd: w, budgetMs: 30, clock: FixedClock(0))
        let logger = Logger(output: output, clock: FixedClock(0))
        let start = monotonicNanos()
        for i in 0..<500 { logger.info("line \(i)", ["pad": .string(String(repeating: "x", count: 200))]) }
        let ms = Double(monotonicNanos() - start) / 1e6
        // Waiting out the budget for each line would take 500 × 30 ms = 15 s.
        #expect(ms < 3_000, "500 lines into a full pipe took \(ms) ms")
        let dropped = output.droppedLines
        #expect(dropped > 400)
        let first = drain(r)
        logger.info("after")
        let text = String(decoding: first + drain(r), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        for line in lines { #expect(throws: Never.self) { try JSONValue.parse(line) } }
        let notice = try JSONValue.parse(lines[lines.count - 2])
        #expect(notice["droppedLines"]?.intValue == dropped)
        #expect(try JSONValue.parse(lines.last!)["message"] == "after")
    }

    @Test func aLineCutShortIsTerminatedSoTheNextOneStaysIntact() throws {
        let (r, w) = makePipe()
        defer { close(r); close(w) }
        let output = FileDescriptorOutput(fd: w, budgetMs: 10, clock: FixedClock(0))
        let logger = Logger(output: output, clock: FixedClock(0))
        logger.info(String(repeating: "y", count: 20_000))  // larger than the pipe: written in part, then cut
        #expect(output.droppedLines == 1)
        let partial = drain(r)
        #expect(partial.count > 0 && partial.count < 20_000)
        logger.info("next")
        let rest = String(decoding: drain(r), as: UTF8.self)
        #expect(rest.hasPrefix("\n"))
        let lines = rest.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(try JSONValue.parse(lines[1])["message"] == "next")
    }

    @Test func aClosedReaderDoesNotKillOrBlockTheProcess() {
        let (r, w) = makePipe()
        close(r)
        defer { close(w) }
        signal(SIGPIPE, SIG_IGN)  // as LambdaMain does at start-up
        let output = FileDescriptorOutput(fd: w, budgetMs: 10)
        Logger(output: output).error("nobody listens")
        #expect(output.droppedLines == 1)
    }
}
