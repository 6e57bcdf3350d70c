// Reference for scripts/bench: Swift's own start-up cost — a static-stdlib Swift program that sends
// GET /next over a raw socket, with no libcurl and no concurrency. (Start-up only.)
#if canImport(Glibc)
import Glibc
#endif

guard let api = getenv("AWS_LAMBDA_RUNTIME_API").map({ String(cString: $0) }),
    let colon = api.lastIndex(of: ":"), let port = UInt16(api[api.index(after: colon)...])
else { exit(2) }
let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
var one: Int32 = 1
setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
var addr = sockaddr_in()
addr.sin_family = sa_family_t(AF_INET)
addr.sin_port = port.bigEndian
addr.sin_addr.s_addr = inet_addr(String(api[..<colon]))
let connected = withUnsafePointer(to: &addr) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
}
guard connected == 0 else { exit(1) }
let request = Array("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: \(api)\r\n\r\n".utf8)
guard write(fd, request, request.count) == request.count else { exit(1) }
var buffer = [UInt8](repeating: 0, count: 4096)
exit(read(fd, &buffer, buffer.count) > 0 ? 0 : 1)
