import COpenSSL

/// Owns one `EVP_PKEY*` and frees it in deinit. Never prints key material.
final class PKeyBox: @unchecked Sendable {
    let pkey: OpaquePointer

    init(_ pkey: OpaquePointer) { self.pkey = pkey }
    deinit { EVP_PKEY_free(pkey) }

    static func read(pem: String, isPrivate: Bool) throws(CryptoError) -> PKeyBox {
        var bytes = Array(pem.utf8)
        defer { OPENSSL_cleanse(&bytes, bytes.count) }
        guard let bio = bytes.withUnsafeBufferPointer({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw CryptoError.capture(.internalFailure, "BIO_new_mem_buf")
        }
        defer { BIO_free(bio) }
        let key = isPrivate ? PEM_read_bio_PrivateKey(bio, nil, nil, nil) : PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        guard let key else {
            throw CryptoError.capture(.invalidKey, isPrivate ? "PEM_read_bio_PrivateKey" : "PEM_read_bio_PUBKEY")
        }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw CryptoError(code: .invalidKey, call: "EVP_PKEY_get_base_id", reason: "not an RSA key")
        }
        return PKeyBox(key)
    }

    /// Writes the key as PEM through a memory BIO.
    func pem(isPrivate: Bool) throws(CryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.capture(.internalFailure, "BIO_new") }
        defer { BIO_free(bio) }
        let ok = isPrivate
            ? PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil)
            : PEM_write_bio_PUBKEY(bio, pkey)
        try check(ok, .internalFailure, isPrivate ? "PEM_write_bio_PrivateKey" : "PEM_write_bio_PUBKEY")
        let pending = Int(BIO_ctrl_pending(bio))
        var buf = [UInt8](repeating: 0, count: pending)
        let n = BIO_read(bio, &buf, Int32(pending))
        defer { OPENSSL_cleanse(&buf, buf.count) }
        return String(decoding: buf.prefix(Int(max(n, 0))), as: UTF8.self)
    }
}

/// An RSA private key (PKCS#8 or PKCS#1 PEM) for RS256 signatures (Google service-account JWTs).
public struct RSAPrivateKey: Sendable {
    let box: PKeyBox

    /// Throws `CryptoError.invalidKey` when the PEM is not an RSA private key. The error never contains the key.
    public init(pem: String) throws(CryptoError) {
        box = try PKeyBox.read(pem: pem, isPrivate: true)
    }

    private init(box: PKeyBox) { self.box = box }

    /// RSASSA-PKCS1-v1_5 with SHA-256 (JWT `RS256`).
    public func signSHA256(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { throw CryptoError.capture(.internalFailure, "EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        try check(EVP_DigestSignInit(ctx, nil, EVP_sha256(), nil, box.pkey), .signFailed, "EVP_DigestSignInit")
        var length = 0
        try message.withUnsafeBufferPointer { m throws(CryptoError) in
            try check(EVP_DigestSign(ctx, nil, &length, m.baseAddress, m.count), .signFailed, "EVP_DigestSign")
        }
        var signature = [UInt8](repeating: 0, count: length)
        try message.withUnsafeBufferPointer { m throws(CryptoError) in
            try check(EVP_DigestSign(ctx, &signature, &length, m.baseAddress, m.count), .signFailed, "EVP_DigestSign")
        }
        return Array(signature.prefix(length))
    }

    /// A fresh key, for tests (keys are never committed).
    public static func generate(bits: Int32 = 2048) throws(CryptoError) -> RSAPrivateKey {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
            throw CryptoError.capture(.keyGenerationFailed, "EVP_PKEY_CTX_new_id")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        try check(EVP_PKEY_keygen_init(ctx), .keyGenerationFailed, "EVP_PKEY_keygen_init")
        guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) > 0 else {
            throw CryptoError.capture(.keyGenerationFailed, "EVP_PKEY_CTX_set_rsa_keygen_bits")
        }
        var key: OpaquePointer?
        try check(EVP_PKEY_keygen(ctx, &key), .keyGenerationFailed, "EVP_PKEY_keygen")
        guard let key else { throw CryptoError.capture(.keyGenerationFailed, "EVP_PKEY_keygen") }
        return RSAPrivateKey(box: PKeyBox(key))
    }

    /// PKCS#8 PEM, as in a Google key file. For tests and tooling only.
    public func pkcs8PEM() throws(CryptoError) -> String { try box.pem(isPrivate: true) }

    /// The matching public key as SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`).
    public func publicKeyPEM() throws(CryptoError) -> String { try box.pem(isPrivate: false) }
}

/// An RSA public key, to verify RS256 signatures (tests, and stand-ins written in Swift).
public struct RSAPublicKey: Sendable {
    let box: PKeyBox

    public init(pem: String) throws(CryptoError) {
        box = try PKeyBox.read(pem: pem, isPrivate: false)
    }

    public func verifySHA256(signature: [UInt8], message: [UInt8]) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, EVP_sha256(), nil, box.pkey) == 1 else {
            ERR_clear_error()
            return false
        }
        let ok = signature.withUnsafeBufferPointer { s in
            message.withUnsafeBufferPointer { m in
                EVP_DigestVerify(ctx, s.baseAddress, s.count, m.baseAddress, m.count)
            }
        }
        ERR_clear_error()
        return ok == 1
    }
}
