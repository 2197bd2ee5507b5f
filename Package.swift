// swift-tools-version:6.1
import PackageDescription

// Dependency direction (top to bottom), see DESIGN.md:
//   labelledger, labelledger-dev (benchmarks, goldens, evaluation, test children) → LabelLedgerCommandLine
//   labelledger → LabelLedgerServer (HTTP only: imports the query API and the command service,
//     never GRDB, EventLog or DatasetInterchange) → LedgerComposition (the composition root: opens
//     the log, command service, projections and projector, reactor, token and idempotency stores,
//     query API) → LedgerQueries (every read) → Projections, AutoLabeling, DatasetInterchange
//     → LabelingService (command handling) → LabelingDomain (pure) and EventLog → CLZ4, CSQLiteSetup, CPNG, CJPEG, GRDB, SwiftProtobuf, Crypto
let package = Package(
    name: "LabelLedger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "PostgresEventStore", targets: ["PostgresEventStore"]),
        .library(name: "LabelingDomain", targets: ["LabelingDomain"]),
        .library(name: "LabelingService", targets: ["LabelingService"]),
        .library(name: "Projections", targets: ["Projections"]),
        .library(name: "AutoLabeling", targets: ["AutoLabeling"]),
        .library(name: "DatasetInterchange", targets: ["DatasetInterchange"]),
        .library(name: "LedgerQueries", targets: ["LedgerQueries"]),
        .library(name: "LedgerComposition", targets: ["LedgerComposition"]),
        .library(name: "LabelLedgerServer", targets: ["LabelLedgerServer"]),
        .executable(name: "labelledger", targets: ["labelledger"]),
        .executable(name: "labelledger-dev", targets: ["labelledger-dev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Already resolved through Hummingbird and ServiceLifecycle: merge/chain for the event stream.
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.0.0"),
        // Child processes (model commands, test children): spawned through its own posix_spawn shim,
        // not Foundation's Process (whose fd scan over-reads /proc/self/fd entries in Swift 6.3.1).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        // The PostgreSQL engine of the event store (PostgresEventStore).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),

        // gzip reading for the test data (Tests/Data/*.gz), in process.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Process-wide SQLite settings (sqlite3_config is variadic, so it needs C).
        .systemLibrary(name: "CSQLiteSetup"),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CJPEG",
            pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg-dev"])]
        ),

        // MARK: - Core
        .target(
            name: "EventLog",
            dependencies: [
                "CLZ4", "CSQLiteSetup",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["FORMAT.md", "Proto/envelope.proto"]
        ),
        // The event log kept in PostgreSQL: the second engine behind `EventStore` (issue 26).
        .target(
            name: "PostgresEventStore",
            dependencies: [
                "EventLog",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LabelingDomain",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Proto/labeling_events.proto"]
        ),

        .target(
            name: "LabelingService",
            dependencies: ["EventLog", "LabelingDomain", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["DATA_DIRECTORY.md"]
        ),

        .target(
            name: "Projections",
            dependencies: [
                "EventLog", "LabelingDomain", "LabelingService",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "AutoLabeling",
            dependencies: [
                "EventLog", "LabelingDomain", "LabelingService", "CPNG", "CJPEG",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            exclude: ["PRELABEL.md"]
        ),
        .target(
            name: "DatasetInterchange",
            dependencies: [
                "EventLog", "LabelingDomain", "LabelingService",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["FORMATS.md"]
        ),

        // Every read the server and the CLI make: projections, log head, history, as-of views.
        .target(
            name: "LedgerQueries",
            dependencies: ["EventLog", "LabelingDomain", "LabelingService", "Projections", "AutoLabeling"]
        ),
        // The composition root: what one process opens on a data directory (``LedgerRuntime``),
        // and the server's own state (tokens, idempotency records) in SQLite.
        .target(
            name: "LedgerComposition",
            dependencies: [
                "EventLog", "LabelingDomain", "LabelingService", "Projections", "AutoLabeling", "LedgerQueries",
                "DatasetInterchange", "PostgresEventStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        .target(
            name: "LabelLedgerServer",
            dependencies: [
                "LabelingDomain", "LabelingService", "Projections", "AutoLabeling", "LedgerQueries", "LedgerComposition",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            resources: [.copy("openapi.yaml"), .copy("Console")],
            // Members of modules the server does not import stay out of reach (no EventLog or
            // GRDB API through a value that happens to come from one).
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
        ),

        // MARK: - Executables
        // What both command lines share: the data directory option group, progress output.
        .target(
            name: "LabelLedgerCommandLine",
            dependencies: [
                "LabelingDomain", "LabelingService", "Projections",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The operator's command line: only what a user of the product runs.
        .executableTarget(
            name: "labelledger",
            dependencies: [
                "LabelLedgerCommandLine",
                "EventLog",
                "LabelingDomain",
                "LabelingService",
                "Projections",
                "AutoLabeling",
                "DatasetInterchange",
                "LedgerQueries",
                "LedgerComposition",
                "LabelLedgerServer",
                "PostgresEventStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The developers' command line: benchmarks, the projection golden generator, the digits
        // evaluation, and the child processes of crash tests (`project`, `reactor`).
        .executableTarget(
            name: "labelledger-dev",
            dependencies: [
                "EventLog",
                "LabelingDomain",
                "LabelingService",
                "Projections",
                "AutoLabeling",
                "LedgerQueries",
                "LedgerComposition",
                "LabelLedgerServer",
                "LabelLedgerCommandLine",
                "PostgresEventStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // A child process for crash tests: appends in a loop and reports each acknowledged event.
        .executableTarget(
            name: "LogCrashChild",
            dependencies: ["EventLog"]
        ),

        // MARK: - Tests
        // Helpers every test target shares: temporary directories, seeded randomness,
        // built executables, the test data in Tests/Data, PNG test images.
        .target(
            name: "TestSupport",
            dependencies: [
                "CZlib",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "EventLogTests",
            dependencies: ["EventLog", "CSQLiteSetup", "TestSupport"]
        ),
        // The event store's contract, the same tests on every engine (the segment log, PostgreSQL),
        // and what only the PostgreSQL engine must prove.
        .testTarget(
            name: "EventStoreConformanceTests",
            dependencies: [
                "EventLog", "PostgresEventStore", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "LabelingDomainTests",
            dependencies: [
                "LabelingDomain",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "LabelingServiceTests",
            dependencies: ["LabelingService"]
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "AutoLabelingTests",
            dependencies: ["AutoLabeling", "TestSupport"]
        ),
        .testTarget(
            name: "LabelLedgerServerTests",
            dependencies: [
                "LabelLedgerServer", "LedgerComposition", "LedgerQueries", "TestSupport", "PostgresEventStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "DatasetInterchangeTests",
            dependencies: ["DatasetInterchange", "Projections", "TestSupport"]
        ),
        // Runs the built `labelledger` and `labelledger-dev` executables.
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["TestSupport"]
        ),
    ]
)

// Fuzzing (Fuzz/, `Tools/fuzz`): with LABELLEDGER_FUZZ set, this package's own modules are
// built with libFuzzer coverage and AddressSanitizer, and testable; the third-party packages
// stay plain, so a cold fuzz build compiles none of them with the sanitizers. Unset (every
// other build), the package is exactly as declared above.
if Context.environment["LABELLEDGER_FUZZ"] != nil {
    for target in package.targets where target.type == .regular {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-sanitize=fuzzer,address", "-enable-testing"])]
    }
}
