import Base

/// The invocation's counts for CloudWatch EMF (SPEC §8).
final class WorkerCounts: @unchecked Sendable {
    private let lock = Mutex()
    private var evaluated = 0
    private var fired = 0
    private var sent = 0
    private var failed = 0

    func signalEvaluated() { lock.withLock { evaluated += 1 } }
    func eventFired() { lock.withLock { fired += 1 } }
    func notificationSent() { lock.withLock { sent += 1 } }
    func notificationFailed() { lock.withLock { failed += 1 } }

    func metrics(retried: Int) -> [(String, Int)] {
        lock.withLock {
            [
                ("SignalsEvaluated", evaluated), ("EventsFired", fired), ("NotificationsSent", sent),
                ("NotificationsFailed", failed), ("MessagesRetried", retried),
            ]
        }
    }
}
