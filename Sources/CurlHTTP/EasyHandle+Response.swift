/// What curl's callbacks deliver, collected into status, headers and body. Runs on the engine thread.
extension EasyHandle {
    /// One raw header line (with CRLF). Returns false to abort the transfer.
    func didReceiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var line = String(decoding: bytes, as: UTF8.self)
        while let last = line.last, last == "\r\n" || last == "\n" || last == "\r" { line.removeLast() }
        if line.isEmpty { return true }
        if line.hasPrefix("HTTP/") {
            // A new status line: an interim 1xx or a proxy CONNECT reply came before; keep only the last.
            responseHeaders = HTTPHeaders()
            return true
        }
        if let first = line.first, first == " " || first == "\t" {
            // obs-fold: continues the previous field's value.
            var fields = responseHeaders.fields
            if let prev = fields.popLast() {
                responseHeaders = HTTPHeaders(fields.map { ($0.name, $0.value) })
                responseHeaders.add(prev.name, prev.value + " " + trimmed(line))
            }
            return true
        }
        guard let colon = line.firstIndex(of: ":") else { return true }
        let name = String(line[..<colon])
        let value = trimmed(String(line[line.index(after: colon)...]))
        responseHeaders.add(name, value)
        if name.lowercased() == "content-length", let length = Int(value), length >= 0 {
            guard length <= maxResponseBytes else {
                exceededLimit = true
                return false
            }
            // Known size: one allocation instead of log2(n) regrowths for large bodies.
            responseBody.reserveCapacity(length)
        }
        return true
    }

    /// A piece of the body. Returns false (abort) once the body would exceed the size cap.
    func didReceiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard responseBody.count + bytes.count <= maxResponseBytes else {
            exceededLimit = true
            return false
        }
        responseBody.append(contentsOf: bytes)
        return true
    }

    /// Clears response state before the transfer starts (a handle is configured once, used once).
    func resetResponse(maxBytes: Int) {
        responseHeaders = HTTPHeaders()
        responseBody = []
        maxResponseBytes = maxBytes
        exceededLimit = false
    }
}

private func trimmed(_ s: String) -> String {
    var sub = Substring(s)
    while let f = sub.first, f == " " || f == "\t" { sub.removeFirst() }
    while let l = sub.last, l == " " || l == "\t" { sub.removeLast() }
    return String(sub)
}
