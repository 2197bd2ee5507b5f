import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import DatasetInterchange

/// One rule names a sample whatever door it came in by (issue 22): the importer names a sample
/// without a manifest `id` as the API does, SHA-256 of `"<dataset>|<name>"`, so the id depends
/// on the dataset and the sample's name, never on where the image file happens to lie.
@Suite struct SampleIdentityTests {
    /// Imports the folder `cat/a.png`, `dog/b.png` (made under `folder` of the fixture's sources)
    /// into `dataset`; the ids by name.
    func importedIDs(_ fixture: InterchangeFixture, folder: String, into dataset: DatasetID) async throws -> [String: SampleID] {
        try await Self.create(dataset, in: fixture, labels: ["cat", "dog"])
        try fixture.png("\(folder)/cat/a.png", seed: 1)
        try fixture.png("\(folder)/dog/b.png", seed: 2)
        let report = try await fixture.importer.run(
            source: fixture.sources.appendingPathComponent(folder), into: dataset, actor: "ana", dryRun: false, partial: false)
        #expect(report.problems.isEmpty, "\(report.problems)")
        let state = try #require(try await fixture.service.state(of: dataset))
        return Dictionary(uniqueKeysWithValues: state.samples.map { ($0.value.name, $0.key) })
    }

    /// A dataset of a project, named by its public id (a name may not hold a `/`).
    static func create(_ id: DatasetID, in fixture: InterchangeFixture, labels: [String]) async throws {
        _ = try await fixture.service.execute(
            .createDataset(
                id: id, name: id.publicID, typeCode: 0, labels: labels.map { LabelDefinition(name: $0, color: "#112233") },
                description: "", by: "tester", at: Instant(microsecondsSince1970: 1_700_000_000_000_000)),
            on: id, actor: "tester")
    }

    @Test func an_imported_sample_is_named_by_dataset_and_name_as_through_the_api() async throws {
        let first = try InterchangeFixture(), second = try InterchangeFixture()
        defer { first.cleanup(); second.cleanup() }
        let here = try await importedIDs(first, folder: "one/place", into: "demo/pets")
        let there = try await importedIDs(second, folder: "elsewhere", into: "demo/pets")
        #expect(here.keys.sorted() == ["cat/a.png", "dog/b.png"])
        for (name, id) in here {
            #expect(id == SampleIntake.sampleID(dataset: "demo/pets", name: name))
        }
        // The same folder elsewhere on disk: the same ids.
        #expect(here == there)
    }

    @Test func the_same_name_in_another_dataset_is_another_sample() {
        let a = SampleIntake.sampleID(dataset: "demo/pets", name: "a.png")
        #expect(a != SampleIntake.sampleID(dataset: "demo/other", name: "a.png"))
        #expect(a != SampleIntake.sampleID(dataset: "demo/pets", name: "b.png"))
        #expect(a.rawValue.count == 32 && a.rawValue.allSatisfy(\.isHexDigit))
    }

    @Test func a_manifest_id_is_kept() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await Self.create("demo/pets", in: fixture, labels: ["cat"])
        try fixture.png("a.png")
        let manifest = try fixture.write(#"{"source":"a.png","id":"given-1"}"#, to: "m.manifest")
        _ = try await fixture.importer.run(source: manifest, into: "demo/pets", actor: "ana", dryRun: false, partial: false)
        let state = try #require(try await fixture.service.state(of: "demo/pets"))
        #expect(state.samples.keys.map(\.rawValue) == ["given-1"])
    }
}
