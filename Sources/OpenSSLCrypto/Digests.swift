import COpenSSL

/// SHA-256 (one-shot). Used by SigV4 for payload and canonical-request hashes.
public enum SHA256 {
    public static let byteCount = 32

    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        var len: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { b in
            EVP_Digest(b.baseAddress, b.count, &out, &len, EVP_sha256(), nil)
        }
        // EVP_Digest with SHA-256 cannot fail short of memory exhaustion: a programmer/system error.
        precondition(ok == 1 && len == 32, "EVP_Digest(SHA-256) failed")
        return out
    }

    public static func hash(_ text: String) -> [UInt8] { hash(Array(text.utf8)) }

    /// Lower-case hex digest, as SigV4 writes it.
    public static func hexDigest(_ bytes: [UInt8]) -> String { Hex.encode(hash(bytes)) }
}

/// HMAC-SHA256 (one-shot). Used by SigV4's key derivation and signature.
public enum HMACSHA256 {
    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: SHA256.byteCount)
        var len: UInt32 = 0
        let result = key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress, m.count, &out, &len)
            }
        }
        precondition(result != nil && len == 32, "HMAC(SHA-256) failed")
        return out
    }

    public static func authenticate(key: [UInt8], message: String) -> [UInt8] {
        authenticate(key: key, message: Array(message.utf8))
    }
}
