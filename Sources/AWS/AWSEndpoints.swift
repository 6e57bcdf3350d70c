import Base

/// Where SQS and DynamoDB requests go, by the AWS SDKs' convention:
/// `AWS_ENDPOINT_URL_<SERVICE>` over `AWS_ENDPOINT_URL` over the regional default; both ignored when
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
public struct AWSEndpoints: Sendable, Equatable {
    /// Base URLs without a trailing slash, e.g. `https://sqs.eu-west-1.amazonaws.com` or `http://127.0.0.1:5055`.
    public var sqs: String
    public var dynamoDB: String

    public init(sqs: String, dynamoDB: String) {
        self.sqs = AWSEndpoints.trimSlash(sqs)
        self.dynamoDB = AWSEndpoints.trimSlash(dynamoDB)
    }

    public static func regionalDefault(region: String) -> AWSEndpoints {
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return AWSEndpoints(sqs: "https://sqs.\(region).\(suffix)", dynamoDB: "https://dynamodb.\(region).\(suffix)")
    }

    public static func from(environment env: [String: String]) throws(ConfigurationError) -> AWSEndpoints {
        try from(environment: env, region: AWSConfiguration.region(environment: env))
    }

    public static func from(environment env: [String: String], region: String) throws(ConfigurationError)
        -> AWSEndpoints
    {
        var result = regionalDefault(region: region)
        if env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.trimmed.lowercased() == "true" { return result }
        if let global = try url(env, "AWS_ENDPOINT_URL") {
            result = AWSEndpoints(sqs: global, dynamoDB: global)
        }
        if let sqs = try url(env, "AWS_ENDPOINT_URL_SQS") { result.sqs = trimSlash(sqs) }
        if let ddb = try url(env, "AWS_ENDPOINT_URL_DYNAMODB") { result.dynamoDB = trimSlash(ddb) }
        return result
    }

    private static func url(_ env: [String: String], _ name: String) throws(ConfigurationError) -> String? {
        guard let v = env[name]?.trimmed, !v.isEmpty else { return nil }
        let lower = v.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), v.count > 8,
            !v.contains(" "), !v.contains("?"), !v.contains("#")
        else {
            throw .invalid(name, "must be an http:// or https:// URL")
        }
        return v
    }

    private static func trimSlash(_ s: String) -> String {
        var s = s
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
