// swift-tools-version:6.1
import Foundation
import PackageDescription

// libFuzzer targets, one per decoder that reads outside bytes (see README.md "Fuzzing").
// A package of its own so that the sanitizer flags never touch the main build; each target
// depends only on the modules it feeds. Build and run through `Tools/fuzz`, which sets
// LABELLEDGER_FUZZ: then LabelLedger's own modules are built with libFuzzer coverage and
// AddressSanitizer (see the end of ../Package.swift) and the third-party packages plain, so
// a cold build compiles no dependency with the sanitizers.

/// Coverage and AddressSanitizer for this package's code; linked with lld (gold fails on
/// these objects) and libFuzzer's runtime.
let fuzzerSwift: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-enable-testing"])]
let fuzzerLink: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
let package = Package(
    name: "LabelLedgerFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "LabelLedger", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
    ],
    targets: [
        // What every target shares: scratch directories for decoders that read files.
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "FuzzSupport", swiftSettings: fuzzerSwift),
        // libFuzzer's driver entry, called by `fuzzMain`.
        .systemLibrary(name: "CLibFuzzer", path: "CLibFuzzer"),
        fuzzTarget("FuzzLogSegment", [
            .product(name: "EventLog", package: "LabelLedger"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        fuzzTarget("FuzzDomainEvent", [.product(name: "LabelingDomain", package: "LabelLedger")]),
        fuzzTarget("FuzzDatasetSnapshot", [.product(name: "LabelingDomain", package: "LabelLedger")]),
        fuzzTarget("FuzzStoredLabels", [.product(name: "Projections", package: "LabelLedger")]),
        fuzzTarget("FuzzSampleCursor", [.product(name: "Projections", package: "LabelLedger")]),
        fuzzTarget("FuzzManifest", [.product(name: "DatasetInterchange", package: "LabelLedger")]),
        fuzzTarget("FuzzPascalVOC", [.product(name: "DatasetInterchange", package: "LabelLedger")]),
        fuzzTarget("FuzzImageFolder", [.product(name: "DatasetInterchange", package: "LabelLedger")]),
        fuzzTarget("FuzzImageProbe", [.product(name: "LabelingService", package: "LabelLedger")]),
        fuzzTarget("FuzzImageDecoder", [.product(name: "AutoLabeling", package: "LabelLedger")]),
        // The HTTP API in process (the real router over a runtime), for the HTTP targets.
        .target(
            name: "FuzzServerSupport",
            dependencies: [
                "FuzzSupport",
                .product(name: "LabelLedgerServer", package: "LabelLedger"),
                .product(name: "LedgerComposition", package: "LabelLedger"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "FuzzServerSupport", swiftSettings: fuzzerSwift),
        fuzzTarget("FuzzHTTPQuery", ["FuzzServerSupport"]),
        fuzzTarget("FuzzHTTPBody", [
            "FuzzServerSupport",
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        fuzzTarget("FuzzPreLabelOutput", [
            .product(name: "AutoLabeling", package: "LabelLedger"),
            .product(name: "LabelingDomain", package: "LabelLedger"),
        ]),
        // Writes the seed corpora from the golden files (`Tools/fuzz --make-seeds`); not a fuzz target.
        .executableTarget(
            name: "SeedMaker",
            dependencies: [
                .product(name: "EventLog", package: "LabelLedger"),
                .product(name: "LabelingDomain", package: "LabelLedger"),
                .product(name: "Projections", package: "LabelLedger"),
                .product(name: "AutoLabeling", package: "LabelLedger"),
                "FuzzSupport",
            ],
            path: "SeedMaker", swiftSettings: fuzzerSwift, linkerSettings: fuzzerLink),
    ]
)

/// A fuzz target in `Fuzz/<name>/` (its `main.swift` defines `LLVMFuzzerTestOneInput`),
/// with its seed corpus in `Fuzz/<name>/corpus/` and the inputs of bugs found in
/// `Fuzz/<name>/regressions/` (when there are any).
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    let regressions = Context.packageDirectory + "/\(name)/regressions"
    return .executableTarget(
        name: name, dependencies: ["FuzzSupport"] + dependencies, path: name,
        exclude: FileManager.default.fileExists(atPath: regressions) ? ["corpus", "regressions"] : ["corpus"],
        swiftSettings: fuzzerSwift, linkerSettings: fuzzerLink)
}
