import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import DatasetInterchange

/// Exports of fixed datasets compared byte for byte with `Snapshots/interchange/`.
/// A deliberate format change regenerates them in the same commit:
/// `LABELLEDGER_UPDATE_GOLDEN=1 swift test --filter GoldenExportTests`.
@Suite struct GoldenExportTests {
    static let directory = TestData.repositoryRoot.appendingPathComponent("Snapshots/interchange")

    func compare(_ produced: URL, golden name: String) throws {
        let golden = Self.directory.appendingPathComponent(name)
        let bytes = try Data(contentsOf: produced)
        if ProcessInfo.processInfo.environment["LABELLEDGER_UPDATE_GOLDEN"] == "1" {
            try bytes.write(to: golden)
            return
        }
        let expected = try Data(contentsOf: golden)
        #expect(bytes == expected, "\(name) differs from its golden file; regenerate with LABELLEDGER_UPDATE_GOLDEN=1 if intended")
    }

    @Test func classification_exports_match_their_golden_files() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await ExportTests.populated(fixture)
        let dataset = try DatasetAtPosition.replay("d", log: fixture.log)
        for (format, name) in [(ExportFormat.manifest, "classification.manifest"), (.coco, "classification.coco.json")] {
            let out = fixture.root.appendingPathComponent(name)
            _ = try DatasetExporter.export(dataset, format: format, relativeTo: fixture.sources, to: out)
            try compare(out, golden: name)
        }
    }

    @Test func detection_exports_match_their_golden_files() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await fixture.createDataset("boxes", type: 1, labels: ["Alive", "Dead"])
        var lines: [String] = []
        for i in 0..<6 {
            try fixture.png("tile\(i).png", width: 64, height: 48, seed: UInt8(i))
            let objects = (0...(i % 3)).map { k in (k % 2 == 0 ? "Alive" : "Dead", 2 + k * 10, 3 + k * 5, 12 + k * 10 + i, 20 + k * 5) }
            _ = try fixture.write(vocXML(width: 64, height: 48, objects: objects), to: "tile\(i).xml")
            let by = i == 5 ? #""annotated-by":"detector-x","confidence":0.9"# : #""annotated-by":"human""#
            lines.append(#"{"source":"tile\#(i).png","id":"t\#(i)","usage":"TRAIN","annotation":[{"type":"modelarts/object_detection","annotation-loc":"tile\#(i).xml","annotation-format":"PASCAL VOC",\#(by),"creation-time":"2025-06-0\#(i + 1) 10:00:00"}]}"#)
        }
        let manifest = try fixture.write(lines.joined(separator: "\n"), to: "boxes.manifest")
        let report = try await fixture.importer.run(source: manifest, into: "boxes", actor: "ana", dryRun: false, partial: false)
        #expect(report.problems.isEmpty, "\(report.problems)")
        let dataset = try DatasetAtPosition.replay("boxes", log: fixture.log)
        let manifestOut = fixture.root.appendingPathComponent("detection.manifest")
        _ = try DatasetExporter.export(dataset, format: .manifest, relativeTo: fixture.sources, to: manifestOut)
        try compare(manifestOut, golden: "detection.manifest")
        try compare(fixture.root.appendingPathComponent("detection-annotations/tile2.xml"), golden: "detection-tile2.xml")
        let coco = fixture.root.appendingPathComponent("detection.coco.json")
        _ = try DatasetExporter.export(dataset, format: .coco, relativeTo: fixture.sources, to: coco)
        try compare(coco, golden: "detection.coco.json")
    }
}
