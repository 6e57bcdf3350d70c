import Testing

// Replaced by the real tests of `ReaderCore` when its issue lands.
@Test func ReaderCoreModuleBuilds() { #expect(Bool(true)) }
