import Foundation
import LabelingDomain
import LabelingService
import Testing
@testable import DatasetInterchange

/// A manifest's `annotated-by` lands in the product's one labeler vocabulary (issue 22), and
/// an export writes ModelArts' spelling back.
@Suite struct ManifestLabelerTests {
    @Test func annotated_by_maps_to_the_labeler_vocabulary_and_round_trips_through_export() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await fixture.createDataset("d", type: 0, labels: ["cat", "dog"])
        for (index, name) in ["h.png", "al.png", "m.png", "none.png"].enumerated() { try fixture.png(name, seed: UInt8(index)) }
        let lines = [
            #"{"annotation":[{"annotated-by":"human","creation-time":"2025-01-01 00:00:00","name":"cat","property":{},"type":"modelarts/image_classification"}],"hard":"false","id":"sh","name":"h.png","source":"h.png"}"#,
            #"{"annotation":[{"annotated-by":"modelarts/active-learning","confidence":0.7,"creation-time":"2025-01-01 00:00:01","name":"dog","property":{},"type":"modelarts/image_classification"}],"hard":"false","id":"sal","name":"al.png","source":"al.png"}"#,
            #"{"annotation":[{"annotated-by":"modelarts/pre-label-v3","confidence":0.6,"creation-time":"2025-01-01 00:00:02","name":"cat","property":{},"type":"modelarts/image_classification"}],"hard":"false","id":"sm","name":"m.png","source":"m.png"}"#,
        ]
        // A label without annotated-by is a person's, as "human" is.
        let unattributed = #"{"source":"none.png","id":"sn","annotation":[{"type":"modelarts/image_classification","name":"dog"}]}"#
        let manifest = try fixture.write((lines + [unattributed]).joined(separator: "\n"), to: "in.manifest")
        let report = try await fixture.importer.run(source: manifest, into: "d", actor: "ana", dryRun: false, partial: false)
        #expect(report.accepted == 4 && report.problems.isEmpty)

        let state = try #require(try await fixture.service.state(of: "d"))
        func labeler(_ id: SampleID) -> String? { state.samples[id]?.visibleLabels.first?.annotator.labeler.name }
        #expect(labeler("sh") == "person:ana")
        #expect(labeler("sn") == "person:ana")
        #expect(labeler("sal") == "active-learning", "ModelArts' active learning is the product's active learning")
        #expect(state.samples["sal"]?.state == .toBeConfirmed)
        #expect(labeler("sm") == "model:modelarts/pre-label-v3:imported")
        #expect(state.samples["sm"]?.state == .toBeConfirmed)
        // Every spelling the import records reads back as a labeler (the tab filter's values).
        for id in ["sh", "sal", "sm"] { #expect(labeler(SampleID(id)).flatMap(Labeler.init) != nil) }

        let out = fixture.root.appendingPathComponent("out.manifest")
        _ = try DatasetExporter.export(try DatasetAtPosition.replay("d", log: fixture.log), format: .manifest, relativeTo: fixture.sources, to: out)
        let exported = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(exported.filter { !$0.contains(#""id":"sn""#) }.sorted() == lines.sorted(), "export writes ModelArts' spelling back")
        #expect(exported.first { $0.contains(#""id":"sn""#) }?.contains(#""annotated-by":"human""#) == true)
    }

    @Test func every_spelling_maps_back_to_itself() {
        for name in ["human", "modelarts/active-learning", "modelarts/auto-label", "yolo", "api:uploader"] {
            #expect(Annotator(manifestName: name, importedBy: "ana").manifestName == name)
        }
        #expect(Annotator(manifestName: "", importedBy: "ana") == .human("ana"))
        #expect(Annotator(manifestName: "modelarts/active-learning", importedBy: "ana").labeler == .activeLearning)
    }
}
