import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Projections
import Testing
import TestSupport
@testable import DatasetInterchange

@Suite struct ExportTests {
    /// A classification dataset of 30 images: 10 labeled, 5 auto-labeled (To Be Confirmed,
    /// 2 of them hard), 15 unlabeled.
    static func populated(_ fixture: InterchangeFixture) async throws {
        try await fixture.createDataset("d", type: 0, labels: ["cat", "dog"])
        var lines: [String] = []
        for i in 0..<30 {
            try fixture.png("img\(String(format: "%02d", i)).png", seed: UInt8(i))
            var line = #"{"source":"img\#(String(format: "%02d", i)).png","id":"s\#(i)""#
            if i < 10 {
                line += #","annotation":[{"type":"modelarts/image_classification","name":"\#(i % 2 == 0 ? "cat" : "dog")","annotated-by":"human","creation-time":"2025-01-01 00:00:0\#(i % 10)"}]"#
            } else if i < 15 {
                line += #","hard":"\#(i < 12)","hard-coefficient":0.5,"annotation":[{"type":"modelarts/image_classification","name":"dog","confidence":0.7,"annotated-by":"model-a","creation-time":"2025-02-01 00:00:00"}]"#
            }
            lines.append(line + "}")
        }
        let manifest = try fixture.write(lines.joined(separator: "\n"), to: "all.manifest")
        _ = try await fixture.importer.run(source: manifest, into: "d", actor: "ana", dryRun: false, partial: false)
    }

    @Test func the_same_position_always_gives_byte_identical_exports() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await Self.populated(fixture)
        let position = fixture.log.head
        func export(_ format: ExportFormat, _ name: String) throws -> Data {
            let out = fixture.root.appendingPathComponent(name)
            let dataset = try DatasetAtPosition.replay("d", log: fixture.log, upTo: position)
            _ = try DatasetExporter.export(dataset, format: format, relativeTo: fixture.sources, to: out)
            return try Data(contentsOf: out)
        }
        let manifest = try export(.manifest, "m1.manifest")
        let coco = try export(.coco, "c1.json")
        // The dataset moves on; the export as of the old position does not.
        _ = try await fixture.service.execute(
            .updateSampleLabels([SampleLabelUpdate(sampleID: "s20", labels: [ManualLabel(name: "cat")])], by: "bob"),
            on: "d", actor: "bob")
        _ = try await fixture.service.execute(.rejectSamples(["s10"], by: "bob"), on: "d", actor: "bob")
        #expect(try export(.manifest, "m2.manifest") == manifest)
        #expect(try export(.coco, "c2.json") == coco)
        let now = try DatasetAtPosition.replay("d", log: fixture.log)
        #expect(now.state.samples["s20"]?.state == .labeled)
        #expect(now.position > position)
    }

    @Test func filters_select_by_state_hardness_and_label() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await Self.populated(fixture)
        let dataset = try DatasetAtPosition.replay("d", log: fixture.log)
        func count(_ filter: ExportFilter) throws -> Int {
            try DatasetExporter.export(dataset, format: .manifest, filter: filter, to: fixture.root.appendingPathComponent("f.manifest")).samples
        }
        #expect(try count(.init()) == 30)
        #expect(try count(.init(states: [.labeled])) == 10)
        #expect(try count(.init(states: [.toBeConfirmed])) == 5)
        #expect(try count(.init(states: [.unlabeled])) == 15)
        #expect(try count(.init(hardOnly: true)) == 2)
        #expect(try count(.init(label: "dog")) == 10)
        #expect(try count(.init(states: [.labeled], label: "dog")) == 5)
    }

    @Test func import_export_import_gives_the_same_dataset() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await Self.populated(fixture)
        let out = fixture.sources.appendingPathComponent("roundtrip.manifest")
        _ = try DatasetExporter.export(try DatasetAtPosition.replay("d", log: fixture.log), format: .manifest, relativeTo: fixture.sources, to: out)
        try await fixture.createDataset("copy", type: 0, labels: ["cat", "dog"])
        let report = try await fixture.importer.run(source: out, into: "copy", actor: "ana", dryRun: false, partial: false)
        #expect(report.problems.isEmpty)
        let original = try #require(try await fixture.service.state(of: "d"))
        let copy = try #require(try await fixture.service.state(of: "copy"))
        #expect(copy.samples == original.samples)
        #expect(copy.sampleCounts == original.sampleCounts)
        // The projections agree too: every tab row of the copy equals the original's.
        let store = try ProjectionStore.open(directory: fixture.root.appendingPathComponent("projections"))
        try await Projector(log: fixture.log, store: store).catchUp()
        let queries = ProjectionQueries(store: store)
        func rows(_ dataset: DatasetID) throws -> [String] {
            try queries.samples(SampleQuery(dataset: dataset, tab: .all, order: .asc, limit: 100)).samples.map {
                "\($0.id) \($0.name) \($0.state) \($0.labels) \(String(describing: $0.score)) \(String(describing: $0.labeler)) "
                    + "\($0.isHard) \($0.hardReasons) \(String(describing: $0.hardCoefficient)) \($0.width)x\($0.height)"
            }
        }
        #expect(try rows("copy") == rows("d"))
        #expect(try rows("d").count == 30)
        let originalStats = try queries.stats(of: "d"), copyStats = try queries.stats(of: "copy")
        #expect(originalStats.sampleStats == copyStats.sampleStats && originalStats.labelStats == copyStats.labelStats)
        let again = fixture.root.appendingPathComponent("again.manifest")
        _ = try DatasetExporter.export(try DatasetAtPosition.replay("copy", log: fixture.log), format: .manifest, relativeTo: fixture.sources, to: again)
        #expect(try Data(contentsOf: again) == Data(contentsOf: out))
    }

    @Test func coco_exports_whole_image_boxes_for_classification_and_scores_for_machine_labels() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await Self.populated(fixture)
        let out = fixture.root.appendingPathComponent("coco.json")
        _ = try DatasetExporter.export(try DatasetAtPosition.replay("d", log: fixture.log), format: .coco, to: out)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        let images = try #require(json["images"] as? [[String: Any]])
        let annotations = try #require(json["annotations"] as? [[String: Any]])
        #expect(images.count == 30)
        #expect(annotations.count == 15)
        let first = try #require(annotations.first)
        #expect((first["bbox"] as? [Int]) == [0, 0, 32, 24])
        #expect((first["area"] as? Int) == 32 * 24)
        #expect(annotations.filter { $0["score"] != nil }.count == 5)
        #expect(throws: InterchangeError.self) {
            try DatasetExporter.export(try DatasetAtPosition.replay("d", log: fixture.log), format: .voc, to: fixture.root.appendingPathComponent("voc"))
        }
    }

    /// Samples as the API stores them: each image copied to `images/<sha256>.png` (outside
    /// any import folder), the sample named as the client named it.
    static func uploaded(_ fixture: InterchangeFixture, _ names: [String], detection: Bool) async throws {
        try await fixture.createDataset("up", type: detection ? 1 : 0, labels: ["cat", "dog"])
        var samples: [NewSample] = []
        for (index, name) in names.enumerated() {
            let png = TestPNG.pattern(width: 32, height: 24, seed: index)
            let image = try #require(ImageProbe.probe(png))
            let stored = fixture.root.appendingPathComponent("images/\(image.sha256).png")
            try FileManager.default.createDirectory(at: stored.deletingLastPathComponent(), withIntermediateDirectories: true)
            try png.write(to: stored)
            let label = detection
                ? SampleLabel(name: index % 2 == 0 ? "cat" : "dog", box: BoundingBox(x1: 1, y1: 2, x2: 3 + Int32(index), y2: 9), annotator: .human("ana"))
                : SampleLabel(name: index % 2 == 0 ? "cat" : "dog", annotator: .human("ana"))
            samples.append(NewSample(
                id: SampleID("u\(index)"), name: name, sourcePath: stored.path, width: image.width, height: image.height,
                channels: image.channels, contentSHA256: image.sha256, initialLabels: [label]))
        }
        _ = try await fixture.service.execute(.addSamples(samples, by: "ana"), on: "up", actor: "ana")
    }

    @Test func voc_files_are_one_per_sample_named_like_the_image_and_never_shared() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        let names = ["a/b.png", "a_b.png", "x.png", "x.jpg", "../up.png", "c"]
        try await Self.uploaded(fixture, names, detection: true)
        let dataset = try DatasetAtPosition.replay("up", log: fixture.log)
        let out = fixture.root.appendingPathComponent("voc")
        let summary = try DatasetExporter.export(dataset, format: .voc, to: out)
        let relative = summary.files.map { String($0.dropFirst(out.path.count + 1)) }
        // Sorted by name: "../up.png", "a/b.png", "a_b.png", "c", "x.jpg", "x.png".
        #expect(relative == ["_/up.xml", "a/b.xml", "a_b.xml", "c.xml", "x.xml", "x.png.xml"])
        #expect(Set(relative).count == names.count)
        #expect(summary.annotations == names.count)
        var boxes = 0
        for file in summary.files {
            let xml = try String(contentsOfFile: file, encoding: .utf8)
            #expect(xml.contains("<occluded>0</occluded>"), "\(file)")
            boxes += try PascalVOCAnnotation.parse(Data(xml.utf8)).objects.count
        }
        #expect(boxes == summary.annotations, "every annotation the summary counts is in a file")
        // The manifest's detection annotations point each sample at its own file.
        let manifest = fixture.root.appendingPathComponent("m/up.manifest")
        _ = try DatasetExporter.export(dataset, format: .manifest, to: manifest)
        let locations = try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let annotation = try #require((object["annotation"] as? [[String: Any]])?.first)
            return try #require(annotation["annotation-loc"] as? String)
        }
        #expect(Set(locations).count == names.count)
        #expect(locations.contains("up-annotations/a/b.xml") && locations.contains("up-annotations/a_b.xml"))
    }

    @Test func coco_file_names_and_manifest_round_trips_keep_the_sample_names_of_uploads() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        let names = ["cat1.png", "holiday/dog 2.png"]
        try await Self.uploaded(fixture, names, detection: false)
        let dataset = try DatasetAtPosition.replay("up", log: fixture.log)
        let coco = fixture.root.appendingPathComponent("coco.json")
        _ = try DatasetExporter.export(dataset, format: .coco, to: coco)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: coco)) as? [String: Any])
        let images = try #require(json["images"] as? [[String: Any]])
        #expect(images.compactMap { $0["file_name"] as? String } == names)

        // Export the manifest, import it into another dataset: the same names, ids and labels.
        let manifest = fixture.sources.appendingPathComponent("up.manifest")
        _ = try DatasetExporter.export(dataset, format: .manifest, to: manifest)
        try await fixture.createDataset("copy", type: 0, labels: ["cat", "dog"])
        let report = try await fixture.importer.run(source: manifest, into: "copy", actor: "ana", dryRun: false, partial: false)
        #expect(report.problems.isEmpty, "\(report.problems)")
        let original = try #require(try await fixture.service.state(of: "up"))
        let copy = try #require(try await fixture.service.state(of: "copy"))
        #expect(copy.samples.mapValues(\.name) == original.samples.mapValues(\.name))
        #expect(Set(copy.samples.values.map(\.name)) == Set(names))
    }
}
