// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets, one per decoder that reads outside bytes (see README.md "Fuzzing").
// A package of its own so that the sanitizer flags (`--sanitize=fuzzer --sanitize=address`)
// never touch the main build; each target depends only on the modules it feeds.
// Build and run through `Tools/fuzz`.
let package = Package(
    name: "LabelLedgerFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "LabelLedger", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // What every target shares: scratch directories for decoders that read files.
        .target(name: "FuzzSupport", path: "FuzzSupport"),
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
            ],
            path: "SeedMaker"),
    ]
)

/// A fuzz target in `Fuzz/<name>/` (its `main.swift` defines `LLVMFuzzerTestOneInput`),
/// with its seed corpus in `Fuzz/<name>/corpus/`.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies, path: name, exclude: ["corpus"])
}
