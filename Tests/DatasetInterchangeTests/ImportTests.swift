import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import DatasetInterchange

@Suite struct ImportTests {
    @Test func the_aerial_image_imports_with_its_37_boxes_and_exports_them_unchanged_to_voc() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        let soap = InterchangeFixture.soap
        try #require(FileManager.default.fileExists(atPath: soap.appendingPathComponent("SOAP_061.xml").path))
        // A folder holding only the image and its VOC file.
        let folder = fixture.sources.appendingPathComponent("trees")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["SOAP_061.png", "SOAP_061.xml"] {
            try FileManager.default.copyItem(at: soap.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        try await fixture.createDataset("trees", type: 1, labels: ["Alive", "Dead"])
        let report = try await fixture.importer.run(source: folder, into: "trees", actor: "ana", dryRun: false, partial: false)
        #expect(report.accepted == 1 && report.problems.isEmpty)
        let state = try #require(try await fixture.service.state(of: "trees"))
        let sample = try #require(state.samples.values.first)
        #expect(sample.state == .labeled)
        #expect(sample.labels.count == 37)
        #expect(Set(sample.labels.map(\.name)) == ["Alive", "Dead"])

        let out = fixture.root.appendingPathComponent("voc")
        let dataset = try DatasetAtPosition.replay("trees", log: fixture.log)
        let summary = try DatasetExporter.export(dataset, format: .voc, to: out)
        #expect(summary.annotations == 37)
        let original = try PascalVOCAnnotation.parse(Data(contentsOf: soap.appendingPathComponent("SOAP_061.xml")))
        let exported = try PascalVOCAnnotation.parse(Data(contentsOf: URL(fileURLWithPath: summary.files[0])))
        func boxes(_ a: PascalVOCAnnotation) -> [String] {
            a.objects.map { "\($0.name) \($0.xmin) \($0.ymin) \($0.xmax) \($0.ymax)" }.sorted()
        }
        #expect(boxes(exported) == boxes(original))
        #expect(exported.width == original.width && exported.height == original.height)
    }

    @Test func a_dry_run_lists_every_problem_with_file_and_line_and_writes_nothing() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await fixture.createDataset("d", type: 1, labels: ["cat", "dog"])
        try fixture.png("a.png", width: 40, height: 30)
        try fixture.png("b.png", width: 40, height: 30, seed: 1)
        try fixture.png("c.png", width: 40, height: 30, seed: 2)
        _ = try fixture.write("not an image", to: "broken.png")
        _ = try fixture.write(vocXML(width: 40, height: 30, objects: [("cat", 1, 1, 10, 10)]), to: "a.xml")
        _ = try fixture.write(vocXML(width: 40, height: 30, objects: [("cow", 1, 1, 10, 10)]), to: "b.xml")
        _ = try fixture.write(vocXML(width: 40, height: 30, objects: [("dog", 5, 5, 50, 20)]), to: "c.xml")
        let det = #""type":"modelarts/object_detection","annotation-format":"PASCAL VOC""#
        let manifest = try fixture.write([
            #"{"source":"a.png","annotation":[{\#(det),"annotation-loc":"a.xml"}]}"#,
            #"{"source":"b.png","annotation":[{\#(det),"annotation-loc":"b.xml"}]}"#,
            #"{"source":"c.png","annotation":[{\#(det),"annotation-loc":"c.xml"}]}"#,
            #"{"source":"broken.png"}"#,
            #"{"source": "a.png""#,
            #"{"source":"a.png"}"#,
        ].joined(separator: "\n"), to: "in.manifest")
        let head = fixture.log.head
        let report = try await fixture.importer.run(source: manifest, into: "d", actor: "ana", dryRun: true, partial: false)
        #expect(report.dryRun)
        #expect(report.accepted == 1)
        let byLine = Dictionary(report.problems.map { ($0.line, $0.code) }, uniquingKeysWith: { a, _ in a })
        #expect(byLine[2] == "LabelLedger.1018", "unknown label on line 2: \(report.problems)")
        #expect(byLine[3] == "LabelLedger.1021", "box outside the image on line 3")
        #expect(byLine[4] == "LabelLedger.Import.012", "unreadable image on line 4")
        #expect(byLine[5] == "LabelLedger.Import.003", "bad JSON on line 5")
        #expect(byLine[6] == "LabelLedger.Import.011", "duplicate sample on line 6")
        #expect(report.problems.count == 5)
        #expect(report.problems.allSatisfy { $0.file == manifest.path })
        #expect(fixture.log.head == head)
    }

    @Test func a_real_import_with_problems_writes_nothing_unless_partial() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await fixture.createDataset("d", type: 0, labels: ["cat", "dog"])
        for i in 0..<4 { try fixture.png("img\(i).png", seed: UInt8(i)) }
        let manifest = try fixture.write([
            #"{"source":"img0.png","annotation":[{"type":"modelarts/image_classification","name":"cat"}]}"#,
            #"{"source":"img1.png","annotation":[{"type":"modelarts/image_classification","name":"bird"}]}"#,
            #"{"source":"img2.png"}"#,
            #"{"source":"img3.png","annotation":[{"type":"modelarts/image_classification","name":"dog"}]}"#,
        ].joined(separator: "\n"), to: "in.manifest")
        let head = fixture.log.head
        await #expect(throws: InterchangeError.self) {
            try await fixture.importer.run(source: manifest, into: "d", actor: "ana", dryRun: false, partial: false)
        }
        #expect(fixture.log.head == head)
        let report = try await fixture.importer.run(source: manifest, into: "d", actor: "ana", dryRun: false, partial: true)
        #expect(report.accepted == 3)
        #expect(report.problems.map(\.line) == [2])
        #expect(fixture.log.head == head + 1, "one appended batch")
        let state = try #require(try await fixture.service.state(of: "d"))
        #expect(state.sampleCounts.labeled == 2 && state.sampleCounts.unlabeled == 1)
    }

    @Test func machine_labels_land_to_be_confirmed_with_their_provenance() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await fixture.createDataset("d", type: 0, labels: ["cat", "dog"])
        try fixture.png("x.png")
        try fixture.png("y.png", seed: 3)
        let manifest = try fixture.write([
            #"{"source":"x.png","id":"sx","hard":"true","hard-coefficient":0.8,"annotation":[{"type":"modelarts/image_classification","name":"dog","confidence":0.62,"annotated-by":"modelarts/active-learning","creation-time":"2025-03-04 05:06:07"}]}"#,
            #"{"source":"y.png","id":"sy","usage":"EVAL","annotation":[{"type":"modelarts/image_classification","name":"cat","annotated-by":"human","creation-time":"2024-01-02 03:04:05"}]}"#,
        ].joined(separator: "\n"), to: "in.manifest")
        _ = try await fixture.importer.run(source: manifest, into: "d", actor: "ana", dryRun: false, partial: false)
        let state = try #require(try await fixture.service.state(of: "d"))
        let x = try #require(state.samples["sx"])
        #expect(x.state == .toBeConfirmed)
        #expect(x.predictedLabels.first?.score == 0.62)
        #expect(x.predictedLabels.first?.annotator.manifestName == "modelarts/active-learning")
        #expect(x.hardMark?.coefficient == 0.8)
        #expect(state.samples["sy"]?.state == .labeled)

        let out = fixture.root.appendingPathComponent("out.manifest")
        _ = try DatasetExporter.export(try DatasetAtPosition.replay("d", log: fixture.log), format: .manifest, relativeTo: fixture.sources, to: out)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == [
            #"{"annotation":[{"annotated-by":"modelarts/active-learning","confidence":0.62,"creation-time":"2025-03-04 05:06:07","name":"dog","property":{},"type":"modelarts/image_classification"}],"hard":"true","hard-coefficient":0.8,"hard-reasons":[],"id":"sx","name":"x.png","source":"x.png"}"#,
            #"{"annotation":[{"annotated-by":"human","creation-time":"2024-01-02 03:04:05","name":"cat","property":{},"type":"modelarts/image_classification"}],"hard":"false","id":"sy","name":"y.png","source":"y.png","usage":"EVAL"}"#,
        ])
    }

    @Test func invalid_hard_fields_are_problems_with_file_and_line_not_silent_defaults() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await fixture.createDataset("d", type: 0, labels: ["cat", "dog"])
        for i in 0..<5 { try fixture.png("img\(i).png", seed: UInt8(i)) }
        let classification = #""annotation":[{"type":"modelarts/image_classification","name":"cat""#
        let manifest = try fixture.write([
            #"{"source":"img0.png","hard":"true","hard-reasons":"99-200","hard-coefficient":"abc",\#(classification)}]}"#,
            #"{"source":"img1.png","hard":"maybe",\#(classification)}]}"#,
            #"{"source":"img2.png","hard":"true","hard-reasons":"1-x",\#(classification),"confidence":"high","annotated-by":"m"}]}"#,
            #"{"source":"img3.png",\#(classification),"creation-time":"yesterday"}]}"#,
            #"{"source":"img4.png","hard":"true","hard-reasons":"1-2","hard-coefficient":"0.5",\#(classification)}]}"#,
        ].joined(separator: "\n"), to: "in.manifest")
        let head = fixture.log.head
        let report = try await fixture.importer.run(source: manifest, into: "d", actor: "ana", dryRun: true, partial: false)
        let found = report.problems.map { "\($0.line) \($0.code)" }.sorted()
        #expect(found == [
            "1 LabelLedger.1025", "1 LabelLedger.1025", "1 LabelLedger.Import.200",
            "2 LabelLedger.Import.200", "3 LabelLedger.Import.200", "3 LabelLedger.Import.200", "4 LabelLedger.Import.200",
        ], "\(report.problems)")
        #expect(report.problems.allSatisfy { $0.file == manifest.path })
        let coefficient = try #require(report.problems.first { $0.line == 1 && $0.code == "LabelLedger.Import.200" })
        #expect(coefficient.message.contains("hard-coefficient") && coefficient.message.contains("abc"))
        #expect(report.accepted == 1)
        await #expect(throws: InterchangeError.self) {
            try await fixture.importer.run(source: manifest, into: "d", actor: "ana", dryRun: false, partial: false)
        }
        #expect(fixture.log.head == head)
        // --partial writes only the valid line, its mark as given.
        let partial = try await fixture.importer.run(source: manifest, into: "d", actor: "ana", dryRun: false, partial: true)
        #expect(partial.accepted == 1)
        let state = try #require(try await fixture.service.state(of: "d"))
        #expect(state.samples.count == 1)
        let mark = try #require(state.samples.values.first?.hardMark)
        #expect(mark.reasons.map(\.rawValue) == [1, 2] && mark.coefficient == 0.5)
    }

    @Test func folders_import_by_sub_folder_by_text_file_and_unlabeled() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await fixture.createDataset("d", type: 0, labels: ["cat", "dog"])
        try fixture.png("cat/1.png", seed: 1)
        try fixture.png("dog/1.png", seed: 2)
        try fixture.png("loose.png", seed: 3)
        _ = try fixture.write("dog\ncat\n", to: "loose.txt")
        try fixture.png("unlabeled.png", seed: 4, rgba: true)
        let report = try await fixture.importer.run(source: fixture.sources, into: "d", actor: "ana", dryRun: false, partial: false)
        #expect(report.accepted == 4)
        let state = try #require(try await fixture.service.state(of: "d"))
        let byName = Dictionary(state.samples.values.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["cat/1.png"]?.labels.map(\.name) == ["cat"])
        #expect(byName["dog/1.png"]?.labels.map(\.name) == ["dog"])
        #expect(byName["loose.png"]?.labels.map(\.name) == ["dog", "cat"])
        #expect(byName["unlabeled.png"]?.state == .unlabeled)
        #expect(byName["unlabeled.png"]?.channels == 4)
    }

    @Test func image_headers_give_size_and_channels() throws {
        let png = TestPNG.pattern(width: 7, height: 5, seed: 0, rgba: true)
        #expect(ImageProbe.probe(png).map { [$0.width, $0.height, $0.channels] } == [7, 5, 4])
        // A baseline JPEG header: SOI, APP0, SOF0 (3 components, 480x640).
        var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0]
        jpeg += [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03] + [UInt8](repeating: 0, count: 9)
        #expect(ImageProbe.probe(Data(jpeg)).map { [$0.width, $0.height, $0.channels] } == [640, 480, 3])
        #expect(ImageProbe.probe(Data("GIF89a".utf8)) == nil)
        #expect(ImageProbe.probe(Data(png.prefix(20))) == nil)
    }
}

func vocXML(width: Int, height: Int, objects: [(String, Int, Int, Int, Int)]) -> String {
    var xml = "<annotation><filename>x</filename><size><width>\(width)</width><height>\(height)</height><depth>3</depth></size>"
    for (name, x1, y1, x2, y2) in objects {
        xml += "<object><name>\(name)</name><difficult>0</difficult><bndbox><xmin>\(x1)</xmin><ymin>\(y1)</ymin><xmax>\(x2)</xmax><ymax>\(y2)</ymax></bndbox></object>"
    }
    return xml + "</annotation>"
}
