import Testing

// Replaced by the real tests of `CurlHTTP` when its issue lands.
@Test func CurlHTTPModuleBuilds() { #expect(Bool(true)) }
