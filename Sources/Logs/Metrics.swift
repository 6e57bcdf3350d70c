import Base

/// CloudWatch Embedded Metric Format records (SPEC §8): one JSON line on the log output that CloudWatch
/// turns into metrics, e.g.
///
///     {"_aws":{"Timestamp":1764100800000,"CloudWatchMetrics":[{"Namespace":"TradingAlerts",
///       "Dimensions":[["Function"]],"Metrics":[{"Name":"RowsRead","Unit":"Count"}]}]},
///      "Function":"reader","RowsRead":14}
///
/// Emitted whatever the log level: metrics are not diagnostics.
public struct Metrics: Sendable {
    public static let defaultNamespace = "TradingAlerts"

    public let namespace: String
    /// Dimension name → value, e.g. `[("Function", "reader")]`.
    public let dimensions: [(String, String)]
    let logger: Logger

    public init(logger: Logger, namespace: String = Metrics.defaultNamespace, function: String) {
        self.init(logger: logger, namespace: namespace, dimensions: [("Function", function)])
    }

    public init(logger: Logger, namespace: String, dimensions: [(String, String)]) {
        self.logger = logger
        self.namespace = namespace
        self.dimensions = dimensions
    }

    /// A logger for the current invocation, so the record carries its `requestId`.
    public func with(logger: Logger) -> Metrics { Metrics(logger: logger, namespace: namespace, dimensions: dimensions) }

    /// One record with these counts (unit `Count`). Nothing is written for an empty list.
    public func emit(_ counts: KeyValuePairs<String, Int>) {
        emit(counts.map { ($0.key, $0.value) })
    }

    public func emit(_ counts: [(String, Int)]) {
        guard !counts.isEmpty else { return }
        let record = Self.record(
            namespace: namespace, dimensions: dimensions, counts: counts, timestamp: logger.clock.nowMillis(),
            requestId: logger.requestId)
        logger.output.write(line: record.serializedBytes)
    }

    /// The EMF document, built apart from writing it.
    public static func record(
        namespace: String, dimensions: [(String, String)], counts: [(String, Int)], timestamp: EpochMillis,
        requestId: String? = nil
    ) -> JSONValue {
        let definitions: [JSONValue] = counts.map { ["Name": .string($0.0), "Unit": "Count"] }
        let directive: JSONValue = [
            "Namespace": .string(namespace),
            "Dimensions": .array([.array(dimensions.map { .string($0.0) })]),
            "Metrics": .array(definitions),
        ]
        var root = JSONObject()
        root["_aws"] = ["Timestamp": .int(timestamp), "CloudWatchMetrics": .array([directive])]
        for (name, value) in dimensions { root[name] = .string(value) }
        if let requestId { root["requestId"] = .string(requestId) }
        for (name, value) in counts { root[name] = .int(value) }
        return .object(root)
    }
}
