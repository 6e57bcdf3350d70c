import Base
import CurlHTTP

/// The Lambda Runtime API's calls as plain request values (SPEC §8, notes A1–A3), built apart from sending
/// them so they can be checked without a socket. No call has a total timeout: `/next` is a long poll that
/// may span a freeze, and a freeze could also land between posting a result and reading the 202.
public struct RuntimeAPIRequests: Sendable {
    public static let version = "2018-06-01"
    public static let errorContentType = "application/vnd.aws.lambda.error+json"
    public static let errorTypeHeader = "Lambda-Runtime-Function-Error-Type"

    /// `host:port` from `AWS_LAMBDA_RUNTIME_API`.
    public let endpoint: String
    let base: String

    public init(endpoint: String) {
        self.endpoint = endpoint
        self.base = "http://\(endpoint)/\(Self.version)/runtime"
    }

    public func next() -> HTTPRequest {
        request("GET", base + "/invocation/next")
    }

    public func response(requestId: String, body: [UInt8]) -> HTTPRequest {
        var r = request("POST", base + "/invocation/\(Self.pathSegment(requestId))/response", body: body)
        r.headers.set("Content-Type", "application/json")
        return r
    }

    public func error(requestId: String, report: ErrorReport) -> HTTPRequest {
        errorRequest(base + "/invocation/\(Self.pathSegment(requestId))/error", report)
    }

    public func initError(report: ErrorReport) -> HTTPRequest {
        errorRequest(base + "/init/error", report)
    }

    private func errorRequest(_ url: String, _ report: ErrorReport) -> HTTPRequest {
        var r = request("POST", url, body: report.json.serializedBytes)
        r.headers.set("Content-Type", Self.errorContentType)
        r.headers.set(Self.errorTypeHeader, report.headerValue)
        return r
    }

    private func request(_ method: String, _ url: String, body: [UInt8] = []) -> HTTPRequest {
        // The response cap is above the 6 MB event limit (6 MiB + 100 bytes at the RIE) with room for headers.
        HTTPRequest(method: method, url: url, body: body, connectTimeoutMs: 1_000, timeoutMs: 0, maxResponseBytes: 8 << 20)
    }

    /// Request ids are UUIDs; anything else is percent-encoded so it stays one path segment.
    static func pathSegment(_ id: String) -> String {
        var out = ""
        for b in id.utf8 {
            let safe = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
            if safe {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
