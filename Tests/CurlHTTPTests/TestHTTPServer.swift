import Base

#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server for the client tests: POSIX sockets on 127.0.0.1, port 0, one thread per
/// connection, keep-alive. Each request is answered with the `Reply` the test's route returns, which can
/// also misbehave (close mid-body, stall) on purpose.
final class TestHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: HTTPHeaderList
        var body: [UInt8]
    }

    typealias HTTPHeaderList = [(name: String, value: String)]

    enum Reply: Sendable {
        /// A normal response with Content-Length, after an optional delay.
        case full(status: Int = 200, headers: HTTPHeaderList = [], body: [UInt8] = [], delayMs: Int = 0)
        /// Transfer-Encoding: chunked, one chunk per element.
        case chunked(status: Int = 200, headers: HTTPHeaderList = [], chunks: [[UInt8]])
        /// Declares `declaredLength` bytes, sends `sentBytes` of them, then closes the connection.
        case closeMidBody(declaredLength: Int, sentBytes: Int)
        /// Sends nothing for `ms`, then closes.
        case stall(ms: Int)
    }

    let port: UInt16
    private let listenFD: Int32
    private let route: @Sendable (Request) -> Reply
    private let lock = Mutex()
    private var accepted = 0
    private var requests = 0
    private var stopped = false

    /// Connections accepted so far (keep-alive reuse shows as fewer connections than requests).
    var acceptedConnections: Int { lock.withLock { accepted } }
    var requestCount: Int { lock.withLock { requests } }

    /// Bytes written to every new connection before reading anything (to play a broken TLS server).
    private let greeting: [UInt8]

    init(greeting: [UInt8] = [], route: @escaping @Sendable (Request) -> Reply) throws {
        self.route = route
        self.greeting = greeting
        let (fd, port) = try Self.listen(backlog: 64)
        listenFD = fd
        self.port = port
        startThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        // shutdown() wakes the thread blocked in accept(); it then closes the socket.
        if first { shutdown(listenFD, Int32(SHUT_RDWR)) }
    }

    // MARK: - Sockets

    struct SocketError: Error, CustomStringConvertible {
        let call: String
        let errno: Int32
        var description: String { "\(call) failed: errno \(errno)" }
    }

    /// A listening socket on 127.0.0.1 with a kernel-chosen port.
    static func listen(backlog: Int32) throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(fd); throw SocketError(call: "bind", errno: errno) }
        guard Glibc.listen(fd, backlog) == 0 else { close(fd); throw SocketError(call: "listen", errno: errno) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    private func acceptLoop() {
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                break
            }
            lock.withLock { accepted += 1 }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            startThread { [self] in serve(client) }
        }
        close(listenFD)
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        if !greeting.isEmpty { guard sendAll(fd, greeting) else { return } }
        var reader = LineReader(fd: fd)
        while let request = reader.readRequest() {
            lock.withLock { requests += 1 }
            guard write(route(request), to: fd) else { return }
        }
    }

    /// Returns false when the connection must be closed.
    private func write(_ reply: Reply, to fd: Int32) -> Bool {
        switch reply {
        case .full(let status, let headers, let body, let delayMs):
            if delayMs > 0 { usleep(UInt32(delayMs) * 1000) }
            var head = "HTTP/1.1 \(status) X\r\nContent-Length: \(body.count)\r\n"
            for (n, v) in headers { head += "\(n): \(v)\r\n" }
            head += "\r\n"
            return sendAll(fd, Array(head.utf8)) && sendAll(fd, body)
        case .chunked(let status, let headers, let chunks):
            var head = "HTTP/1.1 \(status) X\r\nTransfer-Encoding: chunked\r\n"
            for (n, v) in headers { head += "\(n): \(v)\r\n" }
            head += "\r\n"
            guard sendAll(fd, Array(head.utf8)) else { return false }
            for chunk in chunks where !chunk.isEmpty {
                guard sendAll(fd, Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + [13, 10]) else { return false }
            }
            return sendAll(fd, Array("0\r\n\r\n".utf8))
        case .closeMidBody(let declared, let sent):
            let head = "HTTP/1.1 200 OK\r\nContent-Length: \(declared)\r\n\r\n"
            _ = sendAll(fd, Array(head.utf8) + [UInt8](repeating: 0x61, count: sent))
            return false
        case .stall(let ms):
            usleep(UInt32(ms) * 1000)
            return false
        }
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}

/// Reads requests off a connection: head line by line, then a Content-Length body.
private struct LineReader {
    let fd: Int32
    var buffer: [UInt8] = []

    mutating func readRequest() -> TestHTTPServer.Request? {
        guard let requestLine = readLine(), !requestLine.isEmpty else { return nil }
        let parts = requestLine.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var headers: TestHTTPServer.HTTPHeaderList = []
        while let line = readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            headers.append((String(line[..<colon]), String(value)))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        guard let body = readBytes(length) else { return nil }
        return .init(method: String(parts[0]), path: String(parts[1]), headers: headers, body: body)
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
    }

    private mutating func readLine() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<nl])
                buffer.removeSubrange(...nl)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard fill() else { return nil }
        }
    }

    private mutating func readBytes(_ n: Int) -> [UInt8]? {
        while buffer.count < n { guard fill() else { return nil } }
        let out = Array(buffer[..<n])
        buffer.removeSubrange(..<n)
        return out
    }
}

/// Runs `body` on a new detached pthread (the server must not borrow Swift's cooperative pool).
func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
    var tid = pthread_t()
    let arg = Unmanaged.passRetained(Box(body)).toOpaque()
    let rc = pthread_create(&tid, nil, { arg in
        Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue().body()
        return nil
    }, arg)
    precondition(rc == 0, "pthread_create failed")
    pthread_detach(tid)
}

/// Releases its callers once `count` of them have arrived (or each after its timeout).
final class Barrier: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var arrived = 0
    private let count: Int

    init(count: Int) {
        self.count = count
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// True when all `count` callers arrived within the timeout.
    func arriveAndWait(timeoutMs: Int) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        deadline.tv_sec += timeoutMs / 1000
        deadline.tv_nsec += (timeoutMs % 1000) * 1_000_000
        if deadline.tv_nsec >= 1_000_000_000 {
            deadline.tv_sec += 1
            deadline.tv_nsec -= 1_000_000_000
        }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        arrived += 1
        if arrived >= count { pthread_cond_broadcast(condition) }
        while arrived < count {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        return arrived >= count
    }
}
