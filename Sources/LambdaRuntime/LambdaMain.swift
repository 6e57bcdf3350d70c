import Base
import CurlHTTP
import Logs

#if canImport(Glibc)
import Glibc
#endif

/// What a function's setup gets: configuration is read from `environment` here, once (STYLE §4).
public struct LambdaSetup: Sendable {
    public let functionName: String
    public let environment: Environment
    public let logger: Logger
    /// True for `--event` runs outside Lambda.
    public let isLocal: Bool
}

/// The entry point both executables call:
///
///     await LambdaMain.run(name: "reader") { setup in try ReaderHandler(setup) }
///
/// - `--event FILE` / `--event -` runs one invocation locally: the response JSON alone on stdout (exit 0) or
///   the error JSON (exit 1); logs go to stderr.
/// - With `AWS_LAMBDA_RUNTIME_API` set, serves invocations; logs go to stdout.
/// - Otherwise prints usage and exits 2.
///
/// `makeHandler` runs before the first `/next`, synchronously on the main thread: keep it to reading
/// configuration (a thrown `ConfigurationError` becomes `/init/error` naming the variable, then exit 1).
/// Anything that can wait (connections, tokens) belongs in the first invocation. `run` and the setup stay on
/// the main actor so that start-up does not hop threads before the first `/next` is sent.
public enum LambdaMain {
    public typealias MakeHandler = @Sendable (LambdaSetup) throws -> any LambdaHandler

    @MainActor
    public static func run(name: String, makeHandler: MakeHandler) async -> Never {
        // A closed log pipe must surface as EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let code = await main(
            name: name, arguments: Array(CommandLine.arguments.dropFirst()), environment: .process(),
            makeHandler: makeHandler)
        exit(code)
    }

    enum Mode: Equatable {
        case lambda(endpoint: String)
        case local(eventPath: String)
        case help
        case usage(problem: String?)
    }

    static func mode(arguments: [String], environment: Environment) -> Mode {
        switch arguments.count {
        case 0:
            if let endpoint = environment["AWS_LAMBDA_RUNTIME_API"] { return .lambda(endpoint: endpoint) }
            return .usage(problem: nil)
        case 1 where arguments[0] == "--help" || arguments[0] == "-h":
            return .help
        case 2 where arguments[0] == "--event":
            return .local(eventPath: arguments[1])
        default:
            if arguments.count == 1, arguments[0] == "--event" { return .usage(problem: "--event needs a FILE or -") }
            return .usage(problem: "unexpected arguments: \(arguments.joined(separator: " "))")
        }
    }

    static func usage(_ name: String) -> String {
        """
        usage: \(name) --event FILE|-
                 Run one invocation with the event JSON in FILE (- reads stdin). Prints the response JSON
                 on stdout and exits 0, or prints the error JSON and exits 1. Logs go to stderr.
               \(name)
                 Under AWS Lambda (AWS_LAMBDA_RUNTIME_API=host:port set): serve invocations.

        """
    }

    @MainActor
    static func main(name: String, arguments: [String], environment: Environment, makeHandler: MakeHandler) async -> Int32 {
        switch mode(arguments: arguments, environment: environment) {
        case .help:
            FileDescriptorOutput.standardOutput.writeFully(Array(usage(name).utf8))
            return 0
        case .usage(let problem):
            let text = (problem.map { "\(name): \($0)\n" } ?? "") + usage(name)
                + (problem == nil ? "AWS_LAMBDA_RUNTIME_API is not set and no --event was given.\n" : "")
            FileDescriptorOutput.standardError.writeFully(Array(text.utf8))
            return 2
        case .local(let path):
            return await runLocal(name: name, eventPath: path, environment: environment, makeHandler: makeHandler)
        case .lambda(let endpoint):
            return await runLambda(name: name, endpoint: endpoint, environment: environment, makeHandler: makeHandler)
        }
    }

    // MARK: - Under Lambda

    @MainActor
    static func runLambda(name: String, endpoint: String, environment: Environment, makeHandler: MakeHandler) async -> Int32 {
        let logger = makeLogger(environment, output: FileDescriptorOutput.standardOutput)
        let api = RuntimeAPIClient(endpoint: endpoint, transport: HTTPClient(configuration: .runtimeAPI))
        let setup = LambdaSetup(functionName: name, environment: environment, logger: logger, isLocal: false)
        let handler: any LambdaHandler
        do {
            handler = try makeHandler(setup)
        } catch {
            let report = ErrorReport(error, category: .runtime)
            logger.error("initialisation failed", ["errorType": .string(report.errorType), "error": .string(report.errorMessage)])
            do {
                try await api.sendInitError(report)
            } catch {
                logger.error("could not report the initialisation error", ["error": .string(error.description)])
            }
            return 1
        }
        let failure = await LambdaLoop(api: api, handler: handler, logger: logger).run()
        logger.error(
            "exiting: the Runtime API at \(endpoint) failed",
            ["error": .string(failure.map { "\($0)" } ?? "loop ended")])
        return 1
    }

    // MARK: - Local (--event)

    @MainActor
    static func runLocal(name: String, eventPath: String, environment: Environment, makeHandler: MakeHandler) async -> Int32 {
        let logger = makeLogger(environment, output: FileDescriptorOutput.standardError)
        let stdout = FileDescriptorOutput.standardOutput
        func fail(_ report: ErrorReport) -> Int32 {
            stdout.writeFully(report.json.serializedBytes + [0x0A])
            return 1
        }
        let event: [UInt8]
        switch readEvent(eventPath) {
        case .success(let bytes): event = bytes
        case .failure(let problem):
            return fail(ErrorReport(category: .runtime, errorType: "InvalidEvent", errorMessage: problem.message))
        }
        let setup = LambdaSetup(functionName: name, environment: environment, logger: logger, isLocal: true)
        let handler: any LambdaHandler
        do {
            handler = try makeHandler(setup)
        } catch {
            logger.error("initialisation failed", ["error": .string(String(describing: error))])
            return fail(ErrorReport(error, category: .runtime))
        }
        let clock = SystemClock()
        let timeoutSeconds = (try? environment.int("AWS_LAMBDA_FUNCTION_TIMEOUT", default: 300, in: 1...900)) ?? 300
        let region = environment["AWS_REGION"] ?? "us-east-1"
        let functionName = environment["AWS_LAMBDA_FUNCTION_NAME"] ?? name
        let requestId = "local-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let context = LambdaContext(
            requestId: requestId, deadlineMs: clock.nowMillis() + EpochMillis(timeoutSeconds) * 1000,
            invokedFunctionArn: "arn:aws:lambda:\(region):000000000000:function:\(functionName)",
            logger: logger, clock: clock)
        do {
            let response = try await handler.handle(event, context: context)
            guard response.count <= LambdaLoop.maxResponseBytes else {
                return fail(.responseTooLarge(bytes: response.count, limit: LambdaLoop.maxResponseBytes))
            }
            stdout.writeFully(response + [0x0A])
            return 0
        } catch {
            let report = ErrorReport(error, category: .function)
            context.logger.error("invocation failed", ["errorType": .string(report.errorType), "error": .string(report.errorMessage)])
            return fail(report)
        }
    }

    struct ReadProblem: Error { let message: String }

    static func readEvent(_ path: String) -> Result<[UInt8], ReadProblem> {
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return .failure(ReadProblem(message: "cannot open event file \(path): \(String(cString: strerror(errno)))"))
        }
        defer { if fd != 0 { close(fd) } }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(ReadProblem(message: "cannot read event \(path): \(String(cString: strerror(errno)))")) }
            if n == 0 { return .success(out) }
            out += chunk[0..<n]
        }
    }

    static func makeLogger(_ environment: Environment, output: any LogOutput) -> Logger {
        let configuration = Logger.Configuration(environment: environment)
        let logger = Logger(configuration: configuration, output: output)
        if let variable = configuration.unrecognisedVariable {
            logger.warn("\(variable) is not one of debug, info, warn, error; using \(configuration.level.name.lowercased())")
        }
        return logger
    }
}
