import Base
import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// One request on its way through the engine: its easy handle, and the continuation of the task that
/// waits for it (resumed exactly once, on the engine thread).
final class Transfer: @unchecked Sendable {
    /// Engine thread only once submitted; set to nil there when the transfer ends, so that
    /// `curl_easy_cleanup` runs on the engine thread and never races `curl_multi_perform` over the share
    /// handle (which has no lock callbacks because only that thread uses it).
    var easy: EasyHandle?
    let url: String
    /// Guarded by the engine's lock until the transfer is handed to the engine thread.
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    var cancelled = false

    init(easy: EasyHandle, url: String) {
        self.easy = easy
        self.url = url
    }

    func finish(_ result: Result<HTTPResponse, any Error>) {
        guard let c = continuation else { return }
        continuation = nil
        c.resume(with: result)
    }
}

/// The curl multi loop on ONE background pthread. Tasks submit transfers through a locked queue and
/// `curl_multi_wakeup`; the thread adds them to the multi handle, drives them with `curl_multi_perform`
/// / `curl_multi_poll`, and resumes each waiting task when its transfer completes. The thread starts on
/// the first request, so constructing a client costs nothing at start-up.
final class CurlEngine: @unchecked Sendable {
    private let lock = Mutex()
    // Guarded by `lock`:
    private var submitted: [Transfer] = []
    private var cancelRequests: [Transfer] = []
    private var stopping = false
    private var threadStarted = false

    // Engine thread only (the multi handle's `wakeup` excepted):
    private let multi: MultiHandle
    private var active: [ObjectIdentifier: Transfer] = [:]

    init(maxCachedConnections: Int) throws(CurlCallError) {
        multi = try MultiHandle(maxCachedConnections: maxCachedConnections)
    }

    // MARK: Any thread

    func submit(_ transfer: Transfer) {
        let failure: String? = lock.withLock {
            if stopping { return "client is shut down" }
            if !threadStarted {
                guard startThread() else { return "could not start the HTTP thread" }
                threadStarted = true
            }
            submitted.append(transfer)
            return nil
        }
        if let failure {
            transfer.finish(.failure(HTTPClientError(.transport, host: URLParts.hostPort(of: transfer.url), detail: failure)))
            return
        }
        multi.wakeup()
    }

    func cancel(_ transfer: Transfer) {
        lock.withLock {
            transfer.cancelled = true
            cancelRequests.append(transfer)
        }
        multi.wakeup()
    }

    /// Fails whatever is in flight and lets the thread exit. Called when the owning `HTTPClient` goes away.
    func shutdown() {
        lock.withLock { stopping = true }
        multi.wakeup()
    }

    private func startThread() -> Bool {
        var tid = pthread_t()
        let arg = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&tid, nil, { arg in
            // The thread holds the engine until it returns.
            let engine = Unmanaged<CurlEngine>.fromOpaque(arg!).takeRetainedValue()
            engine.run()
            return nil
        }, arg)
        guard rc == 0 else {
            Unmanaged<CurlEngine>.fromOpaque(arg).release()
            return false
        }
        pthread_detach(tid)
        return true
    }

    // MARK: Engine thread

    private func run() {
        while true {
            let (incoming, cancels, stop) = lock.withLock { () -> ([Transfer], [Transfer], Bool) in
                defer {
                    submitted.removeAll(keepingCapacity: true)
                    cancelRequests.removeAll(keepingCapacity: true)
                }
                return (submitted, cancelRequests, stopping)
            }
            if stop {
                let all = Array(active.values) + incoming
                for t in all { detach(t, with: .failure(HTTPClientError(.transport, host: URLParts.hostPort(of: t.url), detail: "client is shut down"))) }
                return
            }
            for t in incoming {
                guard let easy = t.easy else { continue }
                if lock.withLock({ t.cancelled }) {
                    detach(t, with: .failure(CancellationError()))
                    continue
                }
                do {
                    try multi.add(easy)
                    active[ObjectIdentifier(easy)] = t
                } catch {
                    detach(t, with: .failure(HTTPClientError(setup: error, url: t.url)))
                }
            }
            for t in cancels where t.easy.map({ active[ObjectIdentifier($0)] != nil }) ?? false {
                detach(t, with: .failure(CancellationError()))
            }
            do {
                try multi.perform()
            } catch {
                // Only out-of-memory or a broken multi handle get here; nothing in flight can finish.
                for t in active.values { detach(t, with: .failure(HTTPClientError(setup: error, url: t.url))) }
            }
            while let (easy, code) = multi.nextCompleted() {
                guard let t = active[ObjectIdentifier(easy)] else { continue }
                detach(t, with: Self.result(of: t, code: code))
            }
            do {
                try multi.poll(timeoutMs: active.isEmpty ? 60_000 : 1_000)
            } catch {
                for t in active.values { detach(t, with: .failure(HTTPClientError(setup: error, url: t.url))) }
            }
        }
    }

    /// Ends a transfer on the engine thread: out of the multi handle, easy handle released here, task resumed.
    private func detach(_ t: Transfer, with result: Result<HTTPResponse, any Error>) {
        if let easy = t.easy {
            if active.removeValue(forKey: ObjectIdentifier(easy)) != nil { multi.remove(easy) }
            t.easy = nil
        }
        t.finish(result)
    }

    private static func result(of t: Transfer, code: CURLcode) -> Result<HTTPResponse, any Error> {
        guard let easy = t.easy else {
            return .failure(HTTPClientError(.transport, host: URLParts.hostPort(of: t.url), detail: "transfer lost"))
        }
        guard code == CURLE_OK, !easy.exceededLimit else {
            return .failure(HTTPClientError(curl: code, easy: easy, url: t.url))
        }
        let body = easy.responseBody
        easy.responseBody = []
        return .success(HTTPResponse(status: easy.responseStatus, headers: easy.responseHeaders, body: body))
    }
}
