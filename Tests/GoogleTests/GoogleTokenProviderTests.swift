import Base
import CurlHTTP
import OpenSSLCrypto
import Testing
@testable import Google

@Suite struct GoogleTokenProviderTests {
    static let start: EpochMillis = 1_795_000_000_000

    @Test func exchangesASignedAssertionWithTheDocumentedForm() async throws {
        let transport = FakeTransport { _, _ in tokenResponse("ya29.first") }
        let key = TestKey.key(tokenURI: "http://127.0.0.1:9/token")
        let provider = GoogleTokenProvider(key: key, transport: transport, clock: FixedClock(Self.start))
        #expect(try await provider.accessToken() == "ya29.first")

        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9/token")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="))
        let assertion = try #require(formFields(request.body)["assertion"])
        let parts = assertion.split(separator: ".").map(String.init)
        let pub = try RSAPublicKey(pem: TestKey.pair.publicPEM)
        #expect(pub.verifySHA256(signature: try #require(Base64URL.decode(parts[2])), message: Array((parts[0] + "." + parts[1]).utf8)))
        #expect((request.timeoutMs ?? 0) > 0)
    }

    @Test func cachesUntilShortlyBeforeExpiry() async throws {
        let transport = FakeTransport { _, n in tokenResponse("tok-\(n)", expiresIn: 3600) }
        let clock = FixedClock(Self.start)
        let provider = GoogleTokenProvider(key: TestKey.key(), transport: transport, clock: clock)
        #expect(try await provider.accessToken() == "tok-0")
        clock.advance(by: 54 * 60_000)  // a warm invocation 54 minutes later: still good
        #expect(try await provider.accessToken() == "tok-0")
        #expect(transport.requests.count == 1)
        clock.advance(by: 2 * 60_000)  // 56 minutes: within five minutes of expiry, replaced
        #expect(try await provider.accessToken() == "tok-1")
        #expect(transport.requests.count == 2)
    }

    @Test func aShortLivedTokenIsKeptForHalfItsLife() async throws {
        let transport = FakeTransport { _, n in tokenResponse("tok-\(n)", expiresIn: 120) }
        let clock = FixedClock(Self.start)
        let provider = GoogleTokenProvider(key: TestKey.key(), transport: transport, clock: clock)
        #expect(try await provider.accessToken() == "tok-0")
        clock.advance(by: 59_000)
        #expect(try await provider.accessToken() == "tok-0")
        clock.advance(by: 1_000)
        #expect(try await provider.accessToken() == "tok-1")
    }

    @Test func invalidateDropsOnlyTheNamedToken() async throws {
        let transport = FakeTransport { _, n in tokenResponse("tok-\(n)") }
        let provider = GoogleTokenProvider(key: TestKey.key(), transport: transport, clock: FixedClock(Self.start))
        #expect(try await provider.accessToken() == "tok-0")
        await provider.invalidate("some-older-token")
        #expect(try await provider.accessToken() == "tok-0")
        await provider.invalidate("tok-0")
        #expect(try await provider.accessToken() == "tok-1")
    }

    @Test func aRejectedGrantQuotesGoogleButNeverTheAssertion() async throws {
        let transport = FakeTransport { request, _ in
            // A hostile endpoint that echoes the assertion back must not get it into our message.
            let assertion = formFields(request.body)["assertion"] ?? ""
            return json(400, #"{"error":"invalid_grant","error_description":"Invalid JWT Signature. \#(assertion)"}"#)
        }
        let provider = GoogleTokenProvider(key: TestKey.key(), transport: transport, clock: FixedClock(Self.start))
        do {
            _ = try await provider.accessToken()
            Issue.record("a rejected grant returned a token")
        } catch {
            #expect(error.code == .tokenRejected)
            #expect(error.status == 400)
            #expect(error.message.contains("invalid_grant"))
            #expect(error.message.contains("Invalid JWT Signature"))
            #expect(error.message.contains(TestKey.email))
            #expect(error.message.contains("new JSON key"))
            let sent = try #require(transport.requests.first)
            let assertion = try #require(formFields(sent.body)["assertion"])
            #expect(!error.message.contains(assertion))
            #expect(!error.message.contains(assertion.split(separator: ".")[2]))
        }
        #expect(transport.requests.count == 1, "a refusal is not retried")
    }

    @Test func clockSkewRefusalSaysToFixTheClock() async {
        let transport = FakeTransport { _, _ in
            json(400, #"{"error":"invalid_grant","error_description":"Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."}"#)
        }
        let provider = GoogleTokenProvider(key: TestKey.key(), transport: transport, clock: FixedClock(Self.start))
        await #expect(throws: GoogleError.self) { _ = try await provider.accessToken() }
        do { _ = try await provider.accessToken() } catch { #expect(error.message.contains("clock")) }
    }

    @Test func serverErrorsAreRetriedWithBackoff() async throws {
        let transport = FakeTransport { _, n in
            n < 2 ? json(503, #"{"error":"backendError"}"#, headers: n == 1 ? [("Retry-After", "3")] : []) : tokenResponse("ok")
        }
        let pauses = PauseRecorder()
        let provider = GoogleTokenProvider(
            key: TestKey.key(), transport: transport, clock: FixedClock(Self.start), retry: pauses.policy())
        #expect(try await provider.accessToken() == "ok")
        #expect(transport.requests.count == 3)
        #expect(pauses.pauses == [250, 3000], "jittered 500 ms base, then Retry-After as a floor")
    }

    @Test func unreachableEndpointGivesUpWithAClearError() async {
        let transport = FakeTransport { _, _ in throw HTTPClientError(.couldNotConnect, host: "127.0.0.1:9", detail: "Connection refused") }
        let pauses = PauseRecorder()
        let provider = GoogleTokenProvider(
            key: TestKey.key(), transport: transport, clock: FixedClock(Self.start), retry: pauses.policy(maxAttempts: 3))
        do {
            _ = try await provider.accessToken()
            Issue.record("no error")
        } catch {
            #expect(error.code == .tokenUnavailable)
            #expect(error.message.contains("127.0.0.1:9"))
            #expect(error.message.contains("3 attempt"))
        }
        #expect(transport.requests.count == 3)
    }

    @Test func retriesStopAtTheDeadline() async {
        let clock = FixedClock(Self.start)
        let transport = FakeTransport { _, _ in json(500, "{}") }
        let pauses = PauseRecorder()
        let provider = GoogleTokenProvider(
            key: TestKey.key(), transport: transport, clock: clock, retry: pauses.policy(maxAttempts: 10, clock: clock))
        await #expect(throws: GoogleError.self) { _ = try await provider.accessToken(deadline: Self.start + 3_000) }
        #expect(transport.requests.count < 10)
        #expect(clock.nowMillis() <= Self.start + 3_000)
    }

    @Test func a200WithoutATokenIsInvalid() async {
        let transport = FakeTransport { _, _ in json(200, "<html>login</html>") }
        let provider = GoogleTokenProvider(key: TestKey.key(), transport: transport, clock: FixedClock(Self.start))
        do { _ = try await provider.accessToken(); Issue.record("no error") } catch {
            #expect(error.code == .tokenResponseInvalid)
        }
    }
}
