import Base

/// What a Lambda needs to talk to AWS, read once from the environment at start-up
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`/`AWS_DEFAULT_REGION`,
/// and the endpoint overrides, see `AWSEndpoints`).
public struct AWSConfiguration: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var endpoints: AWSEndpoints

    public init(credentials: AWSCredentials, region: String, endpoints: AWSEndpoints) {
        self.credentials = credentials
        self.region = region
        self.endpoints = endpoints
    }

    public init(environment env: [String: String]) throws(ConfigurationError) {
        credentials = try AWSCredentials(environment: env)
        region = try AWSConfiguration.region(environment: env)
        endpoints = try AWSEndpoints.from(environment: env, region: region)
    }

    /// The same, from the project's `Environment` value.
    public init(environment: Environment) throws(ConfigurationError) {
        try self.init(environment: environment.values)
    }

    /// `AWS_REGION` (what Lambda sets), else `AWS_DEFAULT_REGION` (what the CLI uses).
    public static func region(environment env: [String: String]) throws(ConfigurationError) -> String {
        for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let v = env[name]?.trimmed, !v.isEmpty {
                guard v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                    throw .invalid(name, "not a region name")
                }
                return v
            }
        }
        throw .missing("AWS_REGION")
    }
}

extension AWSCredentials {
    public init(environment env: [String: String]) throws(ConfigurationError) {
        guard let id = env["AWS_ACCESS_KEY_ID"]?.trimmed, !id.isEmpty else {
            throw .missing("AWS_ACCESS_KEY_ID")
        }
        guard let secret = env["AWS_SECRET_ACCESS_KEY"]?.trimmed, !secret.isEmpty else {
            throw .missing("AWS_SECRET_ACCESS_KEY")
        }
        let token = env["AWS_SESSION_TOKEN"]?.trimmed
        self.init(accessKeyId: id, secretAccessKey: secret, sessionToken: token?.isEmpty == false ? token : nil)
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
