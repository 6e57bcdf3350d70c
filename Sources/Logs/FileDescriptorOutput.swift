import Base

#if canImport(Glibc)
import Glibc
#endif

/// Writes log lines to stdout/stderr so that a slow reader cannot stall an invocation for long.
///
/// For a pipe or socket (what Lambda gives us) the descriptor is switched to `O_NONBLOCK`; a line that
/// cannot be written within `budgetMs` is dropped and counted, and the next line that gets through is
/// preceded by a `WARN` record saying how many were lost. While lines are being dropped the budget is zero,
/// so a stuck reader costs one failed `write(2)` per line, not `budgetMs`. Terminals and files are written
/// normally (they do not fill up). A line cut short by the budget is finished with a newline before the
/// next one, so the lines after it stay intact.
public final class FileDescriptorOutput: LogOutput, @unchecked Sendable {
    public static let standardOutput = FileDescriptorOutput(fd: 1)
    public static let standardError = FileDescriptorOutput(fd: 2)

    private let fd: Int32
    private let budgetNanos: UInt64
    private let clock: any WallClock
    private let lock = Mutex()
    private var nonBlocking = false
    private var configured = false
    private var dropped = 0
    private var lineOpen = false

    public init(fd: Int32, budgetMs: Int = 20, clock: any WallClock = SystemClock()) {
        self.fd = fd
        self.budgetNanos = UInt64(max(budgetMs, 0)) * 1_000_000
        self.clock = clock
    }

    /// Lines lost so far because the output was not writable in time.
    public var droppedLines: Int { lock.withLock { dropped } }

    public func write(line: [UInt8]) {
        lock.withLock {
            if !configured { configure() }
            var out: [UInt8] = []
            out.reserveCapacity(line.count + 2)
            if lineOpen { out.append(0x0A) }
            if dropped > 0 {
                let notice: JSONValue = [
                    "timestamp": .string(UTCTime.format(clock.nowMillis(), milliseconds: true)), "level": "WARN",
                    "message": "log lines dropped: output was not writable in time", "droppedLines": .int(dropped),
                ]
                out += notice.serializedBytes
                out.append(0x0A)
            }
            out += line
            out.append(0x0A)
            let budget = dropped > 0 ? 0 : budgetNanos
            let written = writeWithin(out, budgetNanos: budget)
            if written == out.count {
                dropped = 0
                lineOpen = false
            } else {
                dropped += 1
                // A partial write leaves an unterminated line behind; close it before the next one.
                lineOpen = written > 0 && out[written - 1] != 0x0A
            }
        }
    }

    /// Writes everything, waiting as long as it takes: for output that must not be lost, like the response
    /// JSON of a `--event` run.
    public func writeFully(_ bytes: [UInt8]) {
        lock.withLock {
            if !configured { configure() }
            _ = writeWithin(bytes, budgetNanos: nil)
        }
    }

    private func configure() {
        configured = true
        var st = stat()
        guard fstat(fd, &st) == 0 else { return }
        let type = st.st_mode & S_IFMT
        guard type == S_IFIFO || type == S_IFSOCK else { return }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 { nonBlocking = true }
    }

    /// Bytes written before the budget ran out or the descriptor failed (EPIPE, EBADF…). nil = no limit.
    private func writeWithin(_ bytes: [UInt8], budgetNanos: UInt64?) -> Int {
        let deadline = budgetNanos.map { monotonicNanos() + $0 }
        return bytes.withUnsafeBytes { buf -> Int in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n > 0 {
                    offset += n
                    continue
                }
                let e = errno
                if n < 0 && e == EINTR { continue }
                guard n < 0, e == EAGAIN || e == EWOULDBLOCK else { return offset }
                var waitMs: Int32 = -1
                if let deadline {
                    let now = monotonicNanos()
                    guard now < deadline else { return offset }
                    waitMs = Int32(max(1, (deadline - now) / 1_000_000))
                }
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, waitMs)
            }
            return offset
        }
    }
}
