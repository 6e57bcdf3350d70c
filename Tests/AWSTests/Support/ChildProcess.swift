#if canImport(Glibc)
import Glibc
#endif
import Base

@testable import AWS

/// A helper process (moto, a scripted HTTP server) started by a test. It announces itself with one JSON line on
/// stdout; the helpers are started with `--exit-with-parent`-style supervision so none outlives the test run.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let announcement: JSONValue

    /// Runs `/bin/sh -c command` and waits (up to `timeoutMs`) for its first stdout line, parsed as JSON.
    init(shell command: String, timeoutMs: Int32 = 90_000) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ChildProcessError(message: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        // Test threads block most signals and a spawned child inherits that mask: reset it, or SIGTERM never lands.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw ChildProcessError(message: "posix_spawn failed: \(rc)")
        }
        pid = child
        defer { close(fds[0]) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            var p = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, timeoutMs) == 1 else {
                kill(child, SIGKILL)
                throw ChildProcessError(message: "no announcement from `\(command)`")
            }
            guard read(fds[0], &byte, 1) == 1 else {
                throw ChildProcessError(message: "`\(command)` exited before announcing itself")
            }
            if byte == 0x0A { break }
            line.append(byte)
        }
        announcement = try JSONValue.parse(line)
    }

    /// Starts the child off the Swift concurrency pool: waiting for a helper to boot (seconds, for moto) must not
    /// hold one of the few cooperative threads other tests' tasks run on.
    static func start(shell command: String) async throws -> ChildProcess {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<ChildProcess, any Error>) in
            BlockingThread.run {
                do { c.resume(returning: try ChildProcess(shell: command)) } catch { c.resume(throwing: error) }
            }
        }
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// Runs one blocking closure on its own detached pthread.
enum BlockingThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func run(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if rc == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
        }
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The moto server the integration tests share: from `MOTO_ENDPOINT`/`MOTO_ACCESS_KEY_ID`/
/// `MOTO_SECRET_ACCESS_KEY`/`MOTO_REGION` (and `MOTO_SESSION_ACCESS_KEY_ID`/`MOTO_SESSION_SECRET_ACCESS_KEY`/
/// `MOTO_SESSION_TOKEN` for the role credentials) when a harness started one, otherwise started here once
/// (`scripts/devstack/moto.py`, SigV4 checking on) and stopped when the test process exits.
actor Moto {
    struct Info: Sendable {
        let endpoint: String
        let accessKeyId: String
        let secretAccessKey: String
        let region: String
        /// An assumed role's temporary credentials (key, secret, token), when moto was started here.
        let session: AWSCredentials?
    }

    static let shared = Moto()
    private var started: Task<Info, any Error>?

    func info() async throws -> Info {
        if let started { return try await started.value }
        let task = Task { () throws -> Info in
            let env = ProcessEnvironment.current
            if let endpoint = env["MOTO_ENDPOINT"], let id = env["MOTO_ACCESS_KEY_ID"],
                let secret = env["MOTO_SECRET_ACCESS_KEY"]
            {
                var session: AWSCredentials?
                if let sid = env["MOTO_SESSION_ACCESS_KEY_ID"], let ssecret = env["MOTO_SESSION_SECRET_ACCESS_KEY"],
                    let token = env["MOTO_SESSION_TOKEN"]
                {
                    session = AWSCredentials(accessKeyId: sid, secretAccessKey: ssecret, sessionToken: token)
                }
                return Info(
                    endpoint: endpoint, accessKeyId: id, secretAccessKey: secret, region: env["MOTO_REGION"] ?? "us-east-1",
                    session: session)
            }
            let scripts = TestFiles.repositoryRoot + "/scripts"
            let process = try await ChildProcess.start(shell: "cd '\(scripts)' && exec python3 -m devstack.moto --exit-with-parent")
            let a = process.announcement
            guard let endpoint = a["endpoint"]?.stringValue, let id = a["access_key_id"]?.stringValue,
                let secret = a["secret_access_key"]?.stringValue, let region = a["region"]?.stringValue
            else { throw ChildProcessError(message: "unexpected moto announcement \(a.serialized)") }
            var session: AWSCredentials?
            if let s = a["session"], let sid = s["access_key_id"]?.stringValue,
                let ssecret = s["secret_access_key"]?.stringValue, let token = s["session_token"]?.stringValue
            {
                session = AWSCredentials(accessKeyId: sid, secretAccessKey: ssecret, sessionToken: token)
            }
            return Info(endpoint: endpoint, accessKeyId: id, secretAccessKey: secret, region: region, session: session)
        }
        started = task
        return try await task.value
    }
}

enum ProcessEnvironment {
    /// The test process's environment (read at the edge, as the Lambdas do).
    static var current: [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}
