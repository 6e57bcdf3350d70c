// swift-tools-version:6.0
// Two thin Lambda executables (`reader`, `worker`) on a layered core. See README.md § Layout.
import PackageDescription

let package = Package(
    name: "TradingSignals",
    products: [
        .executable(name: "reader", targets: ["reader"]),
        .executable(name: "worker", targets: ["worker"]),
    ],
    targets: [
        // MARK: - C libraries (imported by exactly one Swift module each)
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // MARK: - Core, bottom up
        .target(name: "Base"),                                             // JSON, UTC time, clock
        .target(name: "CurlHTTP", dependencies: ["CCurl", "Base"]),        // the one HTTP client
        .target(name: "OpenSSLCrypto", dependencies: ["COpenSSL"]),        // SHA-256, HMAC, RS256
        .target(name: "Logs", dependencies: ["Base"]),                     // JSON log lines, EMF metrics
        .target(name: "LambdaRuntime", dependencies: ["CurlHTTP", "Logs", "Base"]),
        .target(name: "AWS", dependencies: ["CurlHTTP", "OpenSSLCrypto", "Logs", "Base"]),
        .target(name: "Google", dependencies: ["CurlHTTP", "OpenSSLCrypto", "Logs", "Base"]),
        .target(name: "SignalDomain", dependencies: ["Base"]),             // pure: no I/O
        .target(name: "MarketData", dependencies: ["CurlHTTP", "SignalDomain", "Logs", "Base"]),
        .target(name: "Pushover", dependencies: ["CurlHTTP", "SignalDomain", "Logs", "Base"]),
        .target(name: "ReaderCore", dependencies: ["Google", "AWS", "SignalDomain", "LambdaRuntime", "Logs", "Base"]),
        .target(name: "WorkerCore", dependencies: ["MarketData", "Pushover", "AWS", "SignalDomain", "LambdaRuntime", "Logs", "Base"]),

        // MARK: - Executables: wiring only
        .executableTarget(name: "reader", dependencies: ["ReaderCore", "LambdaRuntime"]),
        .executableTarget(name: "worker", dependencies: ["WorkerCore", "LambdaRuntime"]),
        // A minimal bootstrap for the runtime loop's end-to-end tests and scripts/bench.
        .executableTarget(name: "runtime-probe", dependencies: ["LambdaRuntime", "Logs", "Base"]),

        // MARK: - Tests
        .testTarget(name: "BaseTests", dependencies: ["Base"]),
        .testTarget(name: "OpenSSLCryptoTests", dependencies: ["OpenSSLCrypto"]),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "Base"]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "CurlHTTP", "Logs", "Base"]),
        .testTarget(name: "AWSTests", dependencies: ["AWS", "CurlHTTP", "OpenSSLCrypto", "Base"], exclude: ["Vectors", "Fixtures"]),
        .testTarget(name: "GoogleTests", dependencies: ["Google", "OpenSSLCrypto", "CurlHTTP", "Base"]),
        .testTarget(name: "SignalDomainTests", dependencies: ["SignalDomain", "Base"]),
        .testTarget(name: "MarketDataTests", dependencies: ["MarketData", "SignalDomain", "CurlHTTP", "Base"]),
        .testTarget(name: "PushoverTests", dependencies: ["Pushover", "SignalDomain", "CurlHTTP", "Base"]),
        .testTarget(name: "ReaderCoreTests", dependencies: ["ReaderCore", "SignalDomain", "Base"]),
        .testTarget(name: "WorkerCoreTests", dependencies: ["WorkerCore", "SignalDomain", "Base"]),
    ]
)
