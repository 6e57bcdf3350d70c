import Testing

// Replaced by the real tests of `Pushover` when its issue lands.
@Test func PushoverModuleBuilds() { #expect(Bool(true)) }
