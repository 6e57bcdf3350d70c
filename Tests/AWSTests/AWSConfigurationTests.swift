import Base
import Testing

@testable import AWS

@Suite struct AWSConfigurationTests {
    let base = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cret", "AWS_REGION": "eu-west-1"]

    @Test func readsWhatLambdaSets() throws {
        var env = base
        env["AWS_SESSION_TOKEN"] = "tok"
        let c = try AWSConfiguration(environment: env)
        #expect(c.credentials == AWSCredentials(accessKeyId: "AKID", secretAccessKey: "s3cret", sessionToken: "tok"))
        #expect(c.region == "eu-west-1")
        #expect(c.endpoints.sqs == "https://sqs.eu-west-1.amazonaws.com")
        #expect(c.endpoints.dynamoDB == "https://dynamodb.eu-west-1.amazonaws.com")
    }

    @Test(arguments: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"])
    func missingVariableIsNamed(_ name: String) {
        var env = base
        env[name] = nil
        #expect(throws: ConfigurationError.missing(name)) { try AWSConfiguration(environment: env) }
    }

    @Test func acceptsTheProjectEnvironmentValue() throws {
        let env: Environment = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "us-east-2",
                                "AWS_SESSION_TOKEN": ""]
        let c = try AWSConfiguration(environment: env)
        #expect(c.credentials.sessionToken == nil)  // empty counts as unset
        #expect(c.region == "us-east-2")
    }

    @Test func defaultRegionIsTheFallback() throws {
        var env = base
        env["AWS_REGION"] = nil
        env["AWS_DEFAULT_REGION"] = "ap-south-1"
        #expect(try AWSConfiguration(environment: env).region == "ap-south-1")
    }

    @Test func serviceEndpointOverGlobalOverDefault() throws {
        var env = base
        env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9/"
        env["AWS_ENDPOINT_URL_SQS"] = "http://127.0.0.1:5055"
        var e = try AWSEndpoints.from(environment: env)
        #expect(e == AWSEndpoints(sqs: "http://127.0.0.1:5055", dynamoDB: "http://127.0.0.1:9"))

        env["AWS_ENDPOINT_URL"] = nil
        env["AWS_ENDPOINT_URL_SQS"] = nil
        env["AWS_ENDPOINT_URL_DYNAMODB"] = "http://localhost:8000"
        e = try AWSEndpoints.from(environment: env)
        #expect(e == AWSEndpoints(sqs: "https://sqs.eu-west-1.amazonaws.com", dynamoDB: "http://localhost:8000"))

        env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        #expect(try AWSEndpoints.from(environment: env) == .regionalDefault(region: "eu-west-1"))
    }

    @Test func malformedEndpointIsNamed() {
        var env = base
        env["AWS_ENDPOINT_URL_DYNAMODB"] = "localhost:8000"
        #expect(throws: ConfigurationError.invalid("AWS_ENDPOINT_URL_DYNAMODB", "must be an http:// or https:// URL")) {
            try AWSConfiguration(environment: env)
        }
    }

    @Test func errorMessageNeverShowsTheValue() {
        var env = base
        env["AWS_REGION"] = "bad region with s3cret"
        do {
            _ = try AWSConfiguration(environment: env)
            Issue.record("accepted a bad region")
        } catch {
            #expect(error.variable == "AWS_REGION")
            #expect(!error.description.contains("s3cret"))
        }
    }
}
