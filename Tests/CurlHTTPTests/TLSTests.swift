import Base
import Testing

@testable import CurlHTTP

#if canImport(Glibc)
import Glibc
#endif

/// TLS verification against `openssl s_server` with a certificate made at test time (nothing committed).
@Suite("HTTPClient TLS", .serialized)
struct TLSTests {
    @Test func aServerSignedByTheConfiguredBundleIsTrusted() async throws {
        let pki = try TestPKI(subjectAltName: "IP:127.0.0.1")
        defer { pki.remove() }
        let server = try TLSServer(pki)
        let client = HTTPClient(configuration: .init(caBundlePath: pki.certificate))
        let response = try await client.send(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
        #expect(response.status == 200)
    }

    @Test func theSameServerIsRejectedWithoutThatBundle() async throws {
        let pki = try TestPKI(subjectAltName: "IP:127.0.0.1")
        defer { pki.remove() }
        let server = try TLSServer(pki)
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await HTTPClient().send(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
        }
        #expect(error?.kind == .tls)
    }

    @Test func aCertificateForAnotherNameIsRejected() async throws {
        let pki = try TestPKI(subjectAltName: "DNS:elsewhere.example")
        defer { pki.remove() }
        let server = try TLSServer(pki)
        let client = HTTPClient(configuration: .init(caBundlePath: pki.certificate))
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
        }
        #expect(error?.kind == .tls)
    }
}

// MARK: - Helpers

struct ToolError: Error, CustomStringConvertible {
    let description: String
}

/// A self-signed certificate and key in a fresh temporary directory.
struct TestPKI {
    let directory: String
    var certificate: String { directory + "/cert.pem" }
    var key: String { directory + "/key.pem" }

    init(subjectAltName: String) throws {
        var template = Array("/tmp/curlhttp-tls-XXXXXX".utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ToolError(description: "mkdtemp failed")
        }
        directory = String(cString: dir)
        let status = try Child.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
            "-addext", "subjectAltName=\(subjectAltName)", "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem",
        ])
        guard status == 0 else { throw ToolError(description: "openssl req exited \(status)") }
    }

    func remove() {
        unlink(certificate)
        unlink(key)
        rmdir(directory)
    }
}

/// `openssl s_server -www` on a kernel-chosen port; killed on deinit.
final class TLSServer {
    let port: Int
    private let child: Child

    init(_ pki: TestPKI) throws {
        child = try Child(["openssl", "s_server", "-accept", "0", "-cert", pki.certificate, "-key", pki.key, "-www"])
        // It prints "ACCEPT [::]:PORT" once listening.
        guard let line = child.readLine(containing: "ACCEPT"), let colon = line.lastIndex(of: ":"),
            let port = Int(line[line.index(after: colon)...])
        else {
            child.kill()
            throw ToolError(description: "s_server did not start")
        }
        self.port = port
    }

    deinit { child.kill() }
}

/// A child process with its stdout on a pipe (posix_spawn; the tests do not use Foundation).
final class Child {
    let pid: pid_t
    private let stdoutFD: Int32
    private var buffer: [UInt8] = []

    init(_ argv: [String]) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ToolError(description: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, &cArgs, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw ToolError(description: "cannot start \(argv[0]): \(rc)")
        }
        self.pid = pid
        stdoutFD = fds[0]
    }

    deinit { close(stdoutFD) }

    /// Waits for it to exit and returns its status.
    static func run(_ argv: [String]) throws -> Int32 {
        let child = try Child(argv)
        while child.readLine(containing: "") != nil {}
        return child.wait()
    }

    /// The next stdout line containing `text` (nil at end of output).
    func readLine(containing text: String) -> String? {
        while true {
            while let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                if text.isEmpty || line.contains(text) { return line }
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
        }
    }

    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
        _ = wait()
    }

    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xFF
    }
}
