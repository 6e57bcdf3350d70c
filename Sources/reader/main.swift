// The reader Lambda: wiring only (SPEC §2, §4, §8). Configuration errors name the variable and are
// reported as init errors by `LambdaMain`.
import LambdaRuntime
import ReaderCore

await LambdaMain.run(name: "reader") { setup in try ReaderHandler(setup: setup) }
