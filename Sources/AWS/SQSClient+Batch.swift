import Base

// MARK: - SendMessageBatch for any number of messages
// Limits: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html

extension SQSClient {
    public static let maxBatchEntries = 10
    public static let maxBatchBytes = 262_144

    /// Sends every message, in calls of at most 10 entries and 256 KiB, at most `maxConcurrency` calls at a time.
    /// Entries SQS reports in `Failed` without sender fault (its own trouble, throttling) are sent again after a
    /// jittered backoff, up to the retry policy's attempt count; a whole call that fails has already been retried by
    /// the client. Never throws: the report says, per message, whether it was sent.
    public func sendMessageBatch(
        queueURL: String, _ messages: [SQSOutgoingMessage], maxConcurrency: Int = 4
    ) async -> SQSBatchReport {
        var outcomes = [SQSBatchReport.Outcome?](repeating: nil, count: messages.count)
        var pending: [Int] = []
        for (i, m) in messages.enumerated() {
            if m.sizeInBytes > SQSClient.maxBatchBytes {
                outcomes[i] = .failed(
                    SQSSendFailure(
                        code: "MessageTooLong",
                        message: "message is \(m.sizeInBytes) bytes; SQS allows \(SQSClient.maxBatchBytes)",
                        senderFault: true, callError: nil))
            } else {
                pending.append(i)
            }
        }
        var calls = 0
        var round = 1
        while !pending.isEmpty {
            let batches = SQSClient.planBatches(pending, sizes: messages.map(\.sizeInBytes))
            calls += batches.count
            let results = await sendConcurrently(queueURL, messages, batches, maxConcurrency: maxConcurrency)
            var again: [(Int, SQSSendFailure)] = []
            for (i, outcome) in results {
                if case .failed(let f) = outcome, f.callError == nil,
                    !f.senderFault || RetryPolicy.throttlingCodes.contains(f.code)
                {
                    again.append((i, f))
                } else {
                    outcomes[i] = outcome
                }
            }
            pending = again.map(\.0).sorted()
            if pending.isEmpty { break }
            let decision = core.options.retryPolicy.decide(
                .transient, attempt: round, random: core.options.random(), remainingMs: core.options.remaining())
            guard case .retry(let delay) = decision, (try? await core.options.sleep(delay)) != nil else {
                for (i, f) in again { outcomes[i] = .failed(f) }
                break
            }
            round += 1
        }
        return SQSBatchReport(outcomes: outcomes.map { $0! }, calls: calls)
    }

    /// Splits message indexes, in order, into calls of ≤ 10 entries and ≤ 256 KiB (pure; every index fits alone).
    public static func planBatches(_ indexes: [Int], sizes: [Int]) -> [[Int]] {
        var batches: [[Int]] = []
        var current: [Int] = []
        var bytes = 0
        for i in indexes {
            if !current.isEmpty, current.count == maxBatchEntries || bytes + sizes[i] > maxBatchBytes {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(i)
            bytes += sizes[i]
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    private func sendConcurrently(
        _ queueURL: String, _ messages: [SQSOutgoingMessage], _ batches: [[Int]], maxConcurrency: Int
    ) async -> [(Int, SQSBatchReport.Outcome)] {
        await withTaskGroup(of: [(Int, SQSBatchReport.Outcome)].self) { group in
            var next = batches.makeIterator()
            for _ in 0..<max(1, maxConcurrency) {
                guard let batch = next.next() else { break }
                group.addTask { await self.sendOneBatch(queueURL, messages, batch) }
            }
            var all: [(Int, SQSBatchReport.Outcome)] = []
            while let results = await group.next() {
                all += results
                if let batch = next.next() { group.addTask { await self.sendOneBatch(queueURL, messages, batch) } }
            }
            return all
        }
    }

    /// One `SendMessageBatch` call. Entry ids are the messages' indexes, unique within the call.
    func sendOneBatch(_ queueURL: String, _ messages: [SQSOutgoingMessage], _ batch: [Int]) async
        -> [(Int, SQSBatchReport.Outcome)]
    {
        let body: JSONValue = [
            "QueueUrl": .string(queueURL), "Entries": .array(batch.map { messages[$0].json(id: String($0)) }),
        ]
        let response: JSONValue
        do {
            response = try await core.call("SendMessageBatch", body)
        } catch {
            let f = SQSSendFailure(code: error.code, message: error.message, senderFault: !error.isTransient, callError: error)
            return batch.map { ($0, .failed(f)) }
        }
        return SQSClient.batchOutcomes(response, batch: batch)
    }

    /// Reads `Successful` / `Failed`. `SenderFault` comes as a bool or as the string "true" (moto, some SQS
    /// versions). An entry in neither list is treated as not sent and retryable.
    static func batchOutcomes(_ response: JSONValue, batch: [Int]) -> [(Int, SQSBatchReport.Outcome)] {
        var byId: [String: SQSBatchReport.Outcome] = [:]
        for entry in response["Successful"]?.arrayValue ?? [] {
            guard let id = entry["Id"]?.stringValue else { continue }
            byId[id] = .sent(messageId: entry["MessageId"]?.stringValue ?? "")
        }
        for entry in response["Failed"]?.arrayValue ?? [] {
            guard let id = entry["Id"]?.stringValue else { continue }
            let fault = entry["SenderFault"]
            let senderFault = fault?.boolValue ?? (fault?.stringValue?.lowercased() == "true")
            byId[id] = .failed(
                SQSSendFailure(
                    code: entry["Code"]?.stringValue ?? "Unknown",
                    message: AWSJSONClient.unescapeXML(entry["Message"]?.stringValue ?? ""),
                    senderFault: senderFault, callError: nil))
        }
        return batch.map { i in
            (i, byId[String(i)] ?? .failed(
                SQSSendFailure(code: "MissingResult", message: "SQS reported no result for this entry",
                    senderFault: false, callError: nil)))
        }
    }
}
