import CurlHTTP
import Testing

@testable import AWS

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy.standard

    @Test(arguments: [
        (500, nil, RetryPolicy.FailureClass.transient), (502, nil, .transient), (503, nil, .transient),
        (504, nil, .transient), (429, nil, .throttling), (400, "ThrottlingException", .throttling),
        (400, "ProvisionedThroughputExceededException", .throttling), (400, "RequestLimitExceeded", .throttling),
        (400, "TooManyRequestsException", .throttling), (400, "ValidationException", .permanent),
        (400, "ConditionalCheckFailedException", .permanent), (403, "SignatureDoesNotMatch", .permanent),
        (404, nil, .permanent), (400, nil, .permanent), (501, nil, .permanent),
    ] as [(Int, String?, RetryPolicy.FailureClass)])
    func classifies(_ status: Int, _ code: String?, _ expected: RetryPolicy.FailureClass) {
        #expect(RetryPolicy.classify(status: status, code: code) == expected)
    }

    @Test func atMostThreeAttempts() {
        #expect(policy.decide(.transient, attempt: 1, random: 0.5, remainingMs: nil) == .retry(afterMs: 500))
        #expect(policy.decide(.throttling, attempt: 2, random: 0.5, remainingMs: nil) == .retry(afterMs: 1000))
        #expect(policy.decide(.transient, attempt: 3, random: 0.5, remainingMs: nil) == .stop)
        #expect(policy.decide(.permanent, attempt: 1, random: 0.5, remainingMs: nil) == .stop)
    }

    @Test func fullJitterWithinBounds() {
        for attempt in 1...12 {
            let ceiling = min(Int64(1000) << Int64(attempt - 1), 20_000)
            #expect(policy.backoffMs(attempt: attempt, random: 0) == 0)
            #expect(policy.backoffMs(attempt: attempt, random: 0.999_999) < ceiling)
            #expect(policy.backoffMs(attempt: attempt, random: 0.999_999) >= ceiling - 1)
        }
        #expect(policy.backoffMs(attempt: 40, random: 0.5) == 10_000)  // capped at 20 s, no overflow
    }

    @Test func neverWaitsPastTheDeadline() {
        #expect(policy.decide(.transient, attempt: 1, random: 0.9, remainingMs: 901) == .retry(afterMs: 900))
        #expect(policy.decide(.transient, attempt: 1, random: 0.9, remainingMs: 900) == .stop)
        #expect(policy.decide(.transient, attempt: 1, random: 0.9, remainingMs: -5) == .stop)
    }

    @Test func quotaCostsRefundsAndRunsDry() {
        let quota = RetryQuota()
        #expect(quota.acquire(afterTimeout: false) == 5)
        #expect(quota.acquire(afterTimeout: true) == 10)
        #expect(quota.available == 485)
        quota.recordSuccess(lastRetryCost: 10)
        #expect(quota.available == 495)
        quota.recordSuccess(lastRetryCost: nil)
        quota.recordSuccess(lastRetryCost: nil)
        #expect(quota.available == 497)
        quota.recordSuccess(lastRetryCost: 5)
        #expect(quota.available == 500)  // never above the start

        let small = RetryQuota(capacity: 12)
        #expect(small.acquire(afterTimeout: true) == 10)
        #expect(small.acquire(afterTimeout: false) == nil)
    }
}
