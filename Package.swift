// swift-tools-version:6.1
import PackageDescription

// Dependency direction (top to bottom), see DESIGN.md:
//   labelledger → (LabelLedgerServer) → Projections, AutoLabeling, DatasetInterchange
//     → LabelingService (command handling) → LabelingDomain (pure) and EventLog → CLZ4, CPNG, CJPEG, GRDB, SwiftProtobuf, Crypto
let package = Package(
    name: "LabelLedger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "LabelingDomain", targets: ["LabelingDomain"]),
        .library(name: "LabelingService", targets: ["LabelingService"]),
        .library(name: "DatasetInterchange", targets: ["DatasetInterchange"]),
        .executable(name: "labelledger", targets: ["labelledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),

        // MARK: - Core
        .target(
            name: "EventLog",
            dependencies: [
                "CLZ4",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["FORMAT.md", "Proto/envelope.proto"]
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
            dependencies: ["EventLog", "LabelingDomain"]
        ),

        .target(
            name: "DatasetInterchange",
            dependencies: [
                "EventLog", "LabelingDomain", "LabelingService",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["FORMATS.md"]
        ),

        // MARK: - Executables
        .executableTarget(
            name: "labelledger",
            dependencies: [
                "EventLog",
                "LabelingDomain",
                "LabelingService",
                "DatasetInterchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // A child process for crash tests: appends in a loop and reports each acknowledged event.
        .executableTarget(
            name: "LogCrashChild",
            dependencies: ["EventLog"]
        ),

        // MARK: - Tests
        .testTarget(
            name: "EventLogTests",
            dependencies: ["EventLog"]
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
            name: "DatasetInterchangeTests",
            dependencies: ["DatasetInterchange"]
        ),
    ]
)
