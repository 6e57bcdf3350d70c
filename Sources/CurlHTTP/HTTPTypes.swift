/// The HTTP vocabulary every client in the project speaks. Requests are plain values built apart from
/// sending them (unit-testable without sockets); `HTTPTransport` sends them. `HTTPClient` is the libcurl
/// implementation; tests may substitute a fake transport for pure request/response logic.

public struct HTTPHeaders: Sendable, Equatable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}
    public init(_ pairs: [(String, String)]) { for (n, v) in pairs { add(n, v) } }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Replaces every field of that name (case-insensitive).
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name, value))
    }

    public mutating func remove(_ name: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lower }
    }

    /// The first value of a field, case-insensitive.
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

public struct HTTPRequest: Sendable {
    public var method: String
    /// Absolute URL, `http://` or `https://`.
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Time allowed to establish the connection (ms). nil = the client's default.
    public var connectTimeoutMs: Int?
    /// Total time allowed for the whole exchange (ms). 0 = no limit (only the Runtime API's `/next` long poll).
    /// nil = the client's default.
    public var timeoutMs: Int?
    /// Responses larger than this fail with `HTTPClientError.responseTooLarge`. nil = the client's default.
    public var maxResponseBytes: Int?

    public init(
        method: String = "GET", url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        connectTimeoutMs: Int? = nil, timeoutMs: Int? = nil, maxResponseBytes: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeoutMs = connectTimeoutMs
        self.timeoutMs = timeoutMs
        self.maxResponseBytes = maxResponseBytes
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Anything that can send an `HTTPRequest`. Implementations are safe to call concurrently.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Transport failures a caller can tell apart. Messages name the URL's host, never its query or credentials.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case couldNotConnect, timedOut, tls, responseTooLarge, invalidRequest, transport
    }

    public let kind: Kind
    /// host[:port] of the request's URL.
    public let host: String
    public let detail: String

    public init(_ kind: Kind, host: String, detail: String) {
        self.kind = kind
        self.host = host
        self.detail = detail
    }

    public var description: String {
        let what: String
        switch kind {
        case .couldNotConnect: what = "could not connect to"
        case .timedOut: what = "request timed out talking to"
        case .tls: what = "TLS failure with"
        case .responseTooLarge: what = "response too large from"
        case .invalidRequest: what = "invalid request for"
        case .transport: what = "transport error with"
        }
        return "\(what) \(host): \(detail)"
    }

    /// Worth retrying: the request may succeed if sent again.
    public var isTransient: Bool {
        switch kind {
        case .couldNotConnect, .timedOut, .transport: return true
        case .tls, .responseTooLarge, .invalidRequest: return false
        }
    }
}
