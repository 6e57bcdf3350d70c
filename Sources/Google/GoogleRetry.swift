import Base
import CurlHTTP

/// When to try a Google request again: 5xx, 429 and transient transport failures, with full-jitter
/// exponential backoff, honouring `Retry-After`, and never past the caller's deadline. A pure value:
/// randomness and sleeping are injected so tests run instantly and deterministically.
public struct GoogleRetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelayMs: Int64
    public var maxDelayMs: Int64
    /// Time kept free before the deadline for the attempt after a sleep to have a chance.
    public var minimumAttemptMs: Int64
    /// A number in [0, 1).
    public var random: @Sendable () -> Double
    public var sleep: @Sendable (_ ms: Int64) async throws -> Void

    public init(
        maxAttempts: Int = 4, baseDelayMs: Int64 = 500, maxDelayMs: Int64 = 8_000, minimumAttemptMs: Int64 = 2_000,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (_ ms: Int64) async throws -> Void = { ms in
            try await Task.sleep(nanoseconds: UInt64(max(0, ms)) * 1_000_000)
        }
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelayMs = baseDelayMs
        self.maxDelayMs = maxDelayMs
        self.minimumAttemptMs = minimumAttemptMs
        self.random = random
        self.sleep = sleep
    }

    /// The pause before attempt `attempt + 1` (attempts count from 1), or nil to stop.
    /// `retryAfterMs` (from a `Retry-After` header) is a floor; `remainingMs` is time left before the deadline.
    public func delay(afterAttempt attempt: Int, retryAfterMs: Int64?, remainingMs: Int64?) -> Int64? {
        guard attempt < maxAttempts else { return nil }
        let ceiling = min(maxDelayMs, baseDelayMs << Int64(min(attempt - 1, 20)))
        var pause = Int64(Double(ceiling) * random())
        if let retryAfterMs { pause = max(pause, retryAfterMs) }
        if let remainingMs, pause + minimumAttemptMs > remainingMs { return nil }
        return pause
    }

    /// Waits before the next attempt, or throws `failure` when no attempt fits (attempts spent, deadline near,
    /// or the sleep cancelled).
    func pause(afterAttempt attempt: Int, retryAfterMs: Int64?, remainingMs: Int64?, else failure: GoogleError)
        async throws(GoogleError)
    {
        guard let ms = delay(afterAttempt: attempt, retryAfterMs: retryAfterMs, remainingMs: remainingMs) else {
            throw failure
        }
        do { try await sleep(ms) } catch { throw failure }
    }

    /// A failure from sending a request, as the caller's error (`code`, saying it could not `action`):
    /// returned when another attempt may succeed, thrown when not. Only the host is named, never the URL.
    static func transportFailure(_ error: any Error, _ code: GoogleError.Code, _ action: String, attempt: Int)
        throws(GoogleError) -> GoogleError
    {
        switch error {
        case let e as GoogleError: throw e
        case let e as HTTPClientError:
            let mapped = GoogleError(
                code, "could not \(action) from \(e.host) (\(e.kind.rawValue)) after \(attempt) attempt(s): \(e.detail)")
            guard e.isTransient else { throw mapped }
            return mapped
        default: throw GoogleError(code, "could not \(action): \(error)")
        }
    }

    /// `Retry-After` in whole seconds (the HTTP-date form is not worth a date parser here: Google sends seconds).
    static func retryAfterMs(_ value: String?) -> Int64? {
        guard let v = value, let s = Int64(v.trimmedWhitespace()), s >= 0, s <= 3600 else { return nil }
        return s * 1000
    }
}

