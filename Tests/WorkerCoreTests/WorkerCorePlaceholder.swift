import Testing

// Replaced by the real tests of `WorkerCore` when its issue lands.
@Test func WorkerCoreModuleBuilds() { #expect(Bool(true)) }
