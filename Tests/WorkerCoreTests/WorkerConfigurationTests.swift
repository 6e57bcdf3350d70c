import Base
import SignalDomain
import Testing
@testable import WorkerCore

@Suite struct WorkerConfigurationTests {
    let token = randomKey("a")
    let user = randomKey("u")

    func base(_ extra: [String: String] = [:], without: [String] = []) -> Environment {
        var env: [String: String] = [
            "DYNAMODB_TABLE_NAME": "signals", "TRADING_ALERT_PUSHOVER_API_TOKEN": token, "PUSHOVER_USER_KEY": user,
            "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": randomKey("AKIA"), "AWS_SECRET_ACCESS_KEY": randomKey("s"),
        ]
        for (k, v) in extra { env[k] = v }
        for k in without { env[k] = nil }
        return Environment(env)
    }

    @Test func defaultsFollowTheSpec() throws {
        let c = try WorkerConfiguration(environment: base())
        #expect(c.tableName == "signals" && !c.dryRun && c.pushoverToken == token)
        #expect(c.defaultPriority == 2 && c.emergencyRetry == 30 && c.emergencyExpire == 3600 && c.defaultSound == "persistent")
        #expect(c.fallbacks.isEmpty && c.concurrency == 4)
        #expect(c.venueURLs[.binance] == "https://api.binance.com" && c.venueURLs[.coinbase] == "https://api.exchange.coinbase.com")
        #expect(c.venueURLs[.bybit] == "https://api.bybit.com" && c.pushoverURL == "https://api.pushover.net")
        #expect(c.aws.endpoints.dynamoDB == "https://dynamodb.eu-west-1.amazonaws.com")
    }

    @Test func overrides() throws {
        let c = try WorkerConfiguration(environment: base([
            "FALLBACK_EXCHANGES": " coinbase, BYBIT ,", "PUSHOVER_PRIORITY": "1", "PUSHOVER_SOUND": "cashregister",
            "BINANCE_API_URL": "http://127.0.0.1:9001/", "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:5000",
            "PUSHOVER_USERS": #"{"Alice":"\#(randomKey("u"))"}"#,
        ]))
        #expect(c.fallbacks == [.coinbase, .bybit] && c.defaultPriority == 1 && c.defaultSound == "cashregister")
        #expect(c.venueURLs[.binance] == "http://127.0.0.1:9001/")
        #expect(c.aws.endpoints.dynamoDB == "http://127.0.0.1:5000")
        #expect(try c.users.resolve("alice").count == 30)
    }

    @Test func theTokenIsRequiredUnlessDryRun() throws {
        #expect(throws: ConfigurationError.invalid("TRADING_ALERT_PUSHOVER_API_TOKEN", "is required unless ALERTS_DRY_RUN=1")) {
            try WorkerConfiguration(environment: base(without: ["TRADING_ALERT_PUSHOVER_API_TOKEN"]))
        }
        let dry = try WorkerConfiguration(environment: base(["ALERTS_DRY_RUN": "1"], without: ["TRADING_ALERT_PUSHOVER_API_TOKEN"]))
        #expect(dry.dryRun && dry.pushoverToken.isEmpty)
    }

    static let broken: [([String: String], [String], String)] = [
        ([:], ["DYNAMODB_TABLE_NAME"], "DYNAMODB_TABLE_NAME"),
        (["FALLBACK_EXCHANGES": "binance,kraken"], [], "FALLBACK_EXCHANGES"),
        (["PUSHOVER_USERS": "alice=abc"], [], "PUSHOVER_USERS"),
        (["PUSHOVER_USERS": #"{"alice":"short"}"#], [], "PUSHOVER_USERS"),
        (["PUSHOVER_USER_KEY": "not-a-key"], [], "PUSHOVER_USER_KEY"),
        (["PUSHOVER_PRIORITY": "3"], [], "PUSHOVER_PRIORITY"),
        (["PUSHOVER_RETRY": "10"], [], "PUSHOVER_RETRY"),
        (["ALERTS_DRY_RUN": "maybe"], [], "ALERTS_DRY_RUN"),
        (["COINBASE_API_URL": "ftp://example"], [], "COINBASE_API_URL"),
        ([:], ["AWS_REGION"], "AWS_REGION"),
        ([:], ["AWS_ACCESS_KEY_ID"], "AWS_ACCESS_KEY_ID"),
    ]

    @Test(arguments: broken)
    func errorsNameTheVariableAndNeverItsValue(_ extra: [String: String], _ without: [String], _ variable: String) {
        do {
            _ = try WorkerConfiguration(environment: base(extra, without: without))
            Issue.record("expected an error for \(variable)")
        } catch {
            #expect(error.variable == variable)
            #expect(!error.description.contains(token) && !error.description.contains(user))
            if let value = extra[variable], value.count > 4 { #expect(!error.description.contains(value)) }
        }
    }
}
