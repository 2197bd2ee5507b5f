import Foundation
import LabelingDomain
import Testing
@testable import Projections

/// The API's JSON of a sample, rendered straight from the projection's rows, says exactly
/// what the typed view (``SampleView``) says, field by field, and tab pages of documents
/// hold the same samples in the same order as tab pages of views.
@Suite struct SampleDocumentTests {
    @Test(arguments: [(LabelingType.imageClassification, UInt64(41)), (.objectDetection, 42)])
    func every_document_says_what_the_sample_view_says(type: LabelingType, seed: UInt64) async throws {
        let fixture = try ProjectionFixture(name: "documents\(seed)")
        var workload = Workload(service: fixture.service, type: type, seed: seed)
        try await workload.generate(samples: 90, steps: 120)
        try await fixture.projector.catchUp()
        let views = try allPages(fixture.queries, SampleQuery(dataset: "ds", limit: 100))
        #expect(views.count > 50)
        var hard = 0, boxes = 0, machine = 0
        for view in views {
            let bytes = try #require(try fixture.queries.sampleDocument(view.id, in: "ds"))
            let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            let expected = Self.expected(view, type: type)
            #expect(Self.differences(document, expected) == [], "sample \(view.id)")
            if view.isHard { hard += 1 }
            if view.labels.contains(where: { $0.box != nil }) { boxes += 1 }
            if view.labels.contains(where: { $0.annotator.isMachine }) { machine += 1 }
        }
        #expect(hard > 0 && machine > 0)
        #expect(type == .imageClassification || boxes > 0)
        await fixture.cleanup()
    }

    @Test func document_pages_hold_the_samples_of_view_pages_in_order() async throws {
        let fixture = try ProjectionFixture()
        var workload = Workload(service: fixture.service, seed: 43)
        try await workload.generate(samples: 80, steps: 100)
        try await fixture.projector.catchUp()
        for tab in [SampleTab.all, .labeled, .unlabeled, .toBeConfirmed] {
            for order in SampleOrder.allCases {
                var query = SampleQuery(dataset: "ds", tab: tab, order: order, limit: 9)
                var pages = 0
                while true {
                    let views = try fixture.queries.samples(query)
                    let documents = try fixture.queries.sampleDocuments(query)
                    let array = try #require(try JSONSerialization.jsonObject(with: Data(documents.json)) as? [[String: Any]])
                    #expect(array.map { $0["sample_id"] as? String } == views.samples.map(\.id.rawValue), "\(tab) \(order)")
                    #expect(documents.count == views.samples.count)
                    #expect(documents.nextCursor == views.nextCursor)
                    pages += 1
                    guard let next = views.nextCursor else { break }
                    query.cursor = next
                }
                #expect(pages >= 1)
            }
        }
        await fixture.cleanup()
    }

    @Test func text_is_escaped_into_valid_json() async throws {
        let fixture = try ProjectionFixture()
        let name = "a \"quoted\" \\ name/with ü and 🐈.png"
        let actor = "ops \"night\"\n/shift\\2\t\u{1}"
        var sample = newSample(1)
        sample.name = name
        sample.sourcePath = "/data/\"odd\"\\path\r.png"
        _ = try await fixture.service.execute(.createDataset(
            id: "ds", name: "ds", typeCode: 0, labels: [LabelDefinition(name: "cat", color: "#000000")], description: "",
            by: actor, at: Instant(microsecondsSince1970: baseInstant)), on: "ds", actor: actor)
        _ = try await fixture.service.execute(.addSamples([sample], by: actor), on: "ds", actor: actor)
        _ = try await fixture.service.execute(.updateSampleLabels(
            [SampleLabelUpdate(sampleID: sample.id, labels: [ManualLabel(name: "cat")])], by: actor), on: "ds", actor: actor)
        try await fixture.projector.catchUp()
        let view = try #require(try fixture.queries.sample(sample.id, in: "ds"))
        let bytes = try #require(try fixture.queries.sampleDocument(sample.id, in: "ds"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(document["sample_name"] as? String == name)
        #expect(document["source"] as? String == sample.sourcePath)
        #expect(document["last_actor"] as? String == actor)
        #expect(Self.differences(document, Self.expected(view, type: .imageClassification)) == [])
        await fixture.cleanup()
    }

    @Test func an_unknown_dataset_is_refused_and_an_unknown_sample_is_nil() async throws {
        let fixture = try ProjectionFixture()
        var workload = Workload(service: fixture.service, seed: 44)
        try await workload.generate(samples: 5, steps: 0)
        try await fixture.projector.catchUp()
        #expect(try fixture.queries.sampleDocument("nope", in: "ds") == nil)
        #expect(throws: ProjectionError.datasetNotFound("other")) { try fixture.queries.sampleDocument("s1", in: "other") }
        #expect(throws: ProjectionError.datasetNotFound("other")) {
            try fixture.queries.sampleDocuments(SampleQuery(dataset: "other"))
        }
        await fixture.cleanup()
    }

    /// The keys whose values differ (compared as canonical JSON).
    static func differences(_ document: [String: Any], _ expected: [String: Any]) -> [String] {
        func canonical(_ value: Any) -> String {
            (try? JSONSerialization.data(withJSONObject: ["v": value], options: [.sortedKeys]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
        }
        return Set(document.keys).union(expected.keys).sorted().filter { key in
            guard let a = document[key], let b = expected[key] else { return true }
            return canonical(a) != canonical(b)
        }.map { "\($0): \(document[$0].map { "\($0)" } ?? "nil") vs \(expected[$0].map { "\($0)" } ?? "nil")" }
    }

    /// The API shape of a sample, built from the typed view: the specification the
    /// byte-level renderer must meet.
    static func expected(_ view: SampleView, type: LabelingType) -> [String: Any] {
        var labels: [[String: Any]] = []
        for label in view.labels {
            var entry: [String: Any] = [
                "name": label.name, "type": type.rawValue, "annotated_by": label.annotator.isMachine ? "auto" : "human",
                "labeler": Labeler(label.annotator).storageKey,
            ]
            if let score = label.score { entry["score"] = score }
            if let box = label.box {
                entry["property"] = [
                    "@modelarts:shape": "bndbox",
                    "@modelarts:coordinates": [[Int(box.x1), Int(box.y1)], [Int(box.x2), Int(box.y2)]],
                ]
            }
            labels.append(entry)
        }
        var metadata: [String: Any] = ["@modelarts:hard": view.isHard ? 1 : 0, "@modelarts:size": [view.width, view.height, view.channels]]
        if let coefficient = view.hardCoefficient { metadata["@modelarts:hard_coefficient"] = coefficient }
        var document: [String: Any] = [
            "sample_id": view.id.rawValue, "sample_name": view.name, "sample_type": 0,
            "sample_status": view.state == .labeled ? "__ALL__" : view.state == .unlabeled ? "__NONE__" : "__AUTO_ANNOTATION__",
            "source": view.sourcePath, "labels": labels, "last_actor": view.lastActor, "position": Int(view.lastPosition),
        ]
        if view.isHard {
            metadata["@modelarts:hard_reasons"] = view.hardReasons.map(\.rawValue)
            document["hard_details"] = Dictionary(uniqueKeysWithValues: view.hardReasons.map {
                (String($0.rawValue), ["id": $0.rawValue, "reason": $0.meaning, "suggestion": $0.suggestion] as [String: Any])
            })
        }
        document["metadata"] = metadata
        if let labeler = view.labeler { document["labeler"] = labeler.storageKey }
        if let usage = view.usage { document["usage"] = usage.manifestName }
        return document
    }
}
