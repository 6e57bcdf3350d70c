import COpenSSL

/// A failed OpenSSL call: which call, and OpenSSL's own reason (never key material).
public struct CryptoError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable { case invalidKey, signFailed, keyGenerationFailed, internalFailure }

    public let code: Code
    public let call: String
    public let reason: String

    public var description: String { "\(code.rawValue) in \(call): \(reason)" }

    /// Captures and clears OpenSSL's thread-local error queue.
    static func capture(_ code: Code, _ call: String) -> CryptoError {
        var reason = ""
        while true {
            let e = ERR_get_error()
            if e == 0 { break }
            var buf = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(e, &buf, buf.count)
            if reason.isEmpty { reason = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        }
        return CryptoError(code: code, call: call, reason: reason.isEmpty ? "no detail from OpenSSL" : reason)
    }
}

/// OpenSSL returns 1 on success for the calls used here; anything else is an error.
@inline(__always)
func check(_ result: Int32, _ code: CryptoError.Code, _ call: String) throws(CryptoError) {
    guard result == 1 else { throw CryptoError.capture(code, call) }
}
