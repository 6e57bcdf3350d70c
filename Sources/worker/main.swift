// The worker Lambda: wiring only (SPEC §3, §5, §6). Configuration is read once here; a missing or
// malformed variable becomes /runtime/init/error naming it.
import CurlHTTP
import LambdaRuntime
import WorkerCore

await LambdaMain.run(name: "worker") { setup in
    let configuration = try WorkerConfiguration(environment: setup.environment)
    if configuration.dryRun { setup.logger.warn("ALERTS_DRY_RUN=1: notifications are logged, not sent") }
    return WorkerHandler(
        configuration: configuration, http: HTTPClient.Configuration(environment: setup.environment), logger: setup.logger)
}
