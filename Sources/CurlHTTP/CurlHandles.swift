import CCurl

// The only file that holds raw curl pointers. Each C object has exactly one Swift owner that frees it in
// `deinit`; the pointers are `private`/`fileprivate`, so nothing outside this file can touch them.

// MARK: - Return codes

/// A failed curl call: which call, its code, and curl's own words. Internal only; `HTTPClient` maps it to
/// `HTTPClientError` before it reaches a caller.
struct CurlCallError: Error {
    let call: String
    let code: Int32
    let message: String
}

/// Every curl return code goes through one of these.
@inline(__always)
private func check(_ code: CURLcode, _ call: StaticString) throws(CurlCallError) {
    guard code != CURLE_OK else { return }
    throw CurlCallError(call: "\(call)", code: Int32(bitPattern: code.rawValue), message: String(cString: curl_easy_strerror(code)))
}

@inline(__always)
private func check(_ code: CURLMcode, _ call: StaticString) throws(CurlCallError) {
    guard code != CURLM_OK else { return }
    throw CurlCallError(call: "\(call)", code: code.rawValue, message: String(cString: curl_multi_strerror(code)))
}

@inline(__always)
private func check(_ code: CURLSHcode, _ call: StaticString) throws(CurlCallError) {
    guard code != CURLSHE_OK else { return }
    throw CurlCallError(call: "\(call)", code: Int32(bitPattern: code.rawValue), message: String(cString: curl_share_strerror(code)))
}

/// `curl_global_init` once per process, on first use (not at start-up: nothing before the first `/next`
/// that can wait).
private let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

func ensureCurlGlobalInit() throws(CurlCallError) {
    try check(curlGlobalInit, "curl_global_init")
}

// MARK: - Easy handle

/// One transfer's `CURL*` and everything curl points at while it runs: the header list, the error buffer
/// and the request body (`CURLOPT_POSTFIELDS` is not copied by curl). The response arrives through
/// `didReceiveHeaderLine` / `didReceiveBody` (see `EasyHandle+Response.swift`).
final class EasyHandle {
    private let raw: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var bodyBuffer: UnsafeMutableRawBufferPointer?

    // Response state, filled on the engine thread by the callbacks.
    var responseHeaders = HTTPHeaders()
    var responseBody: [UInt8] = []
    var maxResponseBytes = Int.max
    var exceededLimit = false

    init() throws(CurlCallError) {
        try ensureCurlGlobalInit()
        guard let h = curl_easy_init() else {
            throw CurlCallError(call: "curl_easy_init", code: -1, message: "out of memory")
        }
        raw = h
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try check(cs_setopt_ptr(raw, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        let me = Unmanaged.passUnretained(self).toOpaque()
        try check(cs_setopt_ptr(raw, CURLOPT_PRIVATE, me), "CURLOPT_PRIVATE")
        try check(cs_setopt_ptr(raw, CURLOPT_WRITEDATA, me), "CURLOPT_WRITEDATA")
        try check(cs_setopt_ptr(raw, CURLOPT_HEADERDATA, me), "CURLOPT_HEADERDATA")
        // Non-capturing closures forward to methods through the userdata pointer (STYLE §8).
        try check(
            cs_setopt_write_cb(raw) { data, size, count, userdata in
                guard let userdata else { return 0 }
                let me = Unmanaged<EasyHandle>.fromOpaque(userdata).takeUnretainedValue()
                let n = size * count
                return me.didReceiveBody(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
            }, "CURLOPT_WRITEFUNCTION")
        try check(
            cs_setopt_header_cb(raw) { data, size, count, userdata in
                guard let userdata else { return 0 }
                let me = Unmanaged<EasyHandle>.fromOpaque(userdata).takeUnretainedValue()
                let n = size * count
                return me.didReceiveHeaderLine(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
            }, "CURLOPT_HEADERFUNCTION")
    }

    deinit {
        // The multi handle has already let go of it (`MultiHandle.remove`), so cleanup is safe here.
        curl_easy_cleanup(raw)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
        bodyBuffer?.deallocate()
    }

    // MARK: Options (typed, checked)

    func set(_ option: CURLoption, _ value: Int) throws(CurlCallError) {
        try check(cs_setopt_long(raw, option, value), "curl_easy_setopt")
    }

    func set(_ option: CURLoption, string value: String) throws(CurlCallError) {
        // curl copies string options (since 7.17), so a temporary C string is enough.
        try check(value.withCString { cs_setopt_str(raw, option, $0) }, "curl_easy_setopt")
    }

    func set(_ option: CURLoption, offset value: Int64) throws(CurlCallError) {
        try check(cs_setopt_off(raw, option, curl_off_t(value)), "curl_easy_setopt")
    }

    /// Sets the request header lines, replacing any previous list; this handle keeps the list alive.
    func setHeaderLines(_ lines: [String]) throws(CurlCallError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let next = curl_slist_append(list, line) else {
                if let list { curl_slist_free_all(list) }
                throw CurlCallError(call: "curl_slist_append", code: -1, message: "out of memory")
            }
            list = next
        }
        try check(cs_setopt_slist(raw, CURLOPT_HTTPHEADER, list), "CURLOPT_HTTPHEADER")
        if let headerList { curl_slist_free_all(headerList) }
        headerList = list
    }

    /// The request body, copied into a buffer this handle owns for as long as curl may read it.
    func setBody(_ body: [UInt8]) throws(CurlCallError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(body.count, 1), alignment: 1)
        body.withUnsafeBytes { src in if !src.isEmpty { buffer.copyMemory(from: src) } }
        bodyBuffer?.deallocate()
        bodyBuffer = buffer
        try check(cs_setopt_off(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
        try check(cs_setopt_ptr(raw, CURLOPT_POSTFIELDS, buffer.baseAddress), "CURLOPT_POSTFIELDS")
    }

    // MARK: Info

    var responseStatus: Int {
        var code: Int = 0
        _ = cs_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// curl's detailed message for the last failure, or "".
    var errorText: String { String(cString: errorBuffer) }

    fileprivate var rawHandle: UnsafeMutableRawPointer { raw }

    fileprivate static func owner(of handle: UnsafeMutableRawPointer) -> EasyHandle? {
        var p: UnsafeMutableRawPointer?
        guard cs_getinfo_ptr(handle, CURLINFO_PRIVATE, &p) == CURLE_OK, let p else { return nil }
        return Unmanaged<EasyHandle>.fromOpaque(p).takeUnretainedValue()
    }
}

// MARK: - Multi + share handles

/// The process's `CURLM*`, whose connection cache is what makes keep-alive work across calls, plus a
/// `CURLSH*` sharing DNS and TLS sessions between easy handles. Used only from the engine thread, except
/// `wakeup()`, which curl documents as callable from any thread.
final class MultiHandle: @unchecked Sendable {
    private let raw: UnsafeMutableRawPointer
    private let share: UnsafeMutableRawPointer

    init(maxCachedConnections: Int) throws(CurlCallError) {
        try ensureCurlGlobalInit()
        guard let m = curl_multi_init() else {
            throw CurlCallError(call: "curl_multi_init", code: -1, message: "out of memory")
        }
        guard let s = curl_share_init() else {
            curl_multi_cleanup(m)
            throw CurlCallError(call: "curl_share_init", code: -1, message: "out of memory")
        }
        raw = m
        share = s
        // One thread uses the share handle, so it needs no lock callbacks.
        try check(cs_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_DNS.rawValue)), "CURLSHOPT_SHARE dns")
        try check(cs_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue)), "CURLSHOPT_SHARE ssl")
        try check(cs_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, maxCachedConnections), "CURLMOPT_MAXCONNECTS")
    }

    deinit {
        curl_multi_cleanup(raw)
        curl_share_cleanup(share)
    }

    func add(_ easy: EasyHandle) throws(CurlCallError) {
        try check(cs_setopt_ptr(easy.rawHandle, CURLOPT_SHARE, share), "CURLOPT_SHARE")
        try check(curl_multi_add_handle(raw, easy.rawHandle), "curl_multi_add_handle")
    }

    func remove(_ easy: EasyHandle) {
        // Only fails for a handle that is not in this multi, which `CurlEngine` never does.
        _ = curl_multi_remove_handle(raw, easy.rawHandle)
    }

    /// Drives every transfer as far as it can go without blocking.
    func perform() throws(CurlCallError) {
        var running: Int32 = 0
        try check(curl_multi_perform(raw, &running), "curl_multi_perform")
    }

    /// The next finished transfer and its result, or nil when none is waiting.
    func nextCompleted() -> (EasyHandle, CURLcode)? {
        var left: Int32 = 0
        while let msg = curl_multi_info_read(raw, &left) {
            guard msg.pointee.msg == CURLMSG_DONE, let handle = msg.pointee.easy_handle,
                let owner = EasyHandle.owner(of: handle)
            else { continue }
            return (owner, msg.pointee.data.result)
        }
        return nil
    }

    /// Sleeps until a socket is ready, curl's next timer, `wakeup()`, or `timeoutMs`.
    func poll(timeoutMs: Int32) throws(CurlCallError) {
        try check(curl_multi_poll(raw, nil, 0, timeoutMs, nil), "curl_multi_poll")
    }

    func wakeup() {
        _ = curl_multi_wakeup(raw)
    }
}
