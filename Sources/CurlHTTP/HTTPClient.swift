import Base

/// The project's one HTTP client: libcurl's multi interface on a single background thread.
///
/// - Connections are kept alive and reused across calls (and Lambda invocations) for the client's lifetime.
/// - Any number of requests may be in flight at once; `send` is safe from any task.
/// - TLS peer and host verification are always on; the CA bundle comes from the configuration.
/// - Failures are `HTTPClientError`s that name only the URL's host[:port].
///
/// Make one per process (or per distinct configuration) and share it.
public final class HTTPClient: HTTPTransport, @unchecked Sendable {
    public let configuration: Configuration
    private let engine: CurlEngine?
    private let setupError: HTTPClientError?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        do {
            engine = try CurlEngine(maxCachedConnections: configuration.maxCachedConnections)
            setupError = nil
        } catch {
            // curl could not initialise (out of memory); every send reports it rather than trapping here.
            engine = nil
            setupError = HTTPClientError(.transport, host: "", detail: "\(error.call): \(error.message)")
        }
    }

    deinit {
        engine?.shutdown()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let engine else { throw setupError! }
        // Only the transfer holds the easy handle from here on (see `Transfer.easy`).
        let transfer = try makeTransfer(request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<HTTPResponse, any Error>) in
                transfer.continuation = c
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }

    /// A configured easy handle, wrapped so that no other reference to it outlives this call.
    private func makeTransfer(_ request: HTTPRequest) throws(HTTPClientError) -> Transfer {
        let easy: EasyHandle
        do {
            easy = try EasyHandle()
        } catch {
            throw HTTPClientError(setup: error, url: request.url)
        }
        try easy.configure(request, configuration)
        return Transfer(easy: easy, url: request.url)
    }
}
