import LabelingDomain
import Testing

@Suite struct DatasetCreationTests {
    func create(name: String = "pets", typeCode: Int = 0, labels: [LabelDefinition] = [label("cat")], id: DatasetID = "ds-1")
        -> DomainError?
    {
        var harness = Harness()
        return harness.refusal(
            .createDataset(id: id, name: name, typeCode: typeCode, labels: labels, description: "d", by: "ana", at: t0))
    }

    @Test func create_dataset_records_name_type_labels_and_time() throws {
        let harness = try Harness.detection(labels: ["car", "person"])
        #expect(harness.state.isCreated)
        #expect(harness.state.id == "ds-2")
        #expect(harness.state.name == "street")
        #expect(harness.state.type == .objectDetection)
        #expect(harness.state.labels.map(\.name) == ["car", "person"])
        #expect(harness.state.createdAt == t0)
        #expect(harness.state.version == 1)
    }

    @Test(arguments: ["a", "Pets_2024-v1", String(repeating: "x", count: 100)])
    func dataset_names_of_1_to_100_allowed_characters_are_accepted(name: String) {
        #expect(create(name: name) == nil)
    }

    @Test(arguments: ["", "pets 2", "pêts", "a/b", "a.b", String(repeating: "x", count: 101)])
    func other_dataset_names_are_refused(name: String) {
        #expect(create(name: name) == .invalidDatasetName(name))
        #expect(create(name: name)?.code == "LabelLedger.1001")
    }

    @Test(arguments: [3, 100, 200, -1, 2])
    func labeling_types_other_than_classification_and_detection_cannot_be_created(code: Int) {
        #expect(create(typeCode: code) == .unsupportedLabelingType(code))
    }

    @Test func a_dataset_is_created_only_once() throws {
        var harness = try Harness.classification()
        let error = harness.refusal(
            .createDataset(id: "ds-1", name: "again", typeCode: 0, labels: [], description: "", by: "ana", at: t0))
        #expect(error == .datasetAlreadyExists("ds-1"))
        #expect(error?.httpStatus == 409)
    }

    @Test func commands_on_a_missing_dataset_are_refused_with_not_found() {
        #expect(throws: DomainError.datasetNotFound) {
            try decide(.addLabels([label("x")], by: "ana"), state: nil)
        }
        #expect(throws: DomainError.datasetNotFound) {
            try decide(.rejectSamples(["s1"], by: "ana"), state: DatasetState())
        }
    }

    @Test func initial_labels_must_be_valid_and_distinct() {
        #expect(create(labels: [label("cat"), label("cat")]) == .duplicateLabel("cat"))
        #expect(create(labels: [label("")]) == .invalidLabelName(""))
        #expect(create(labels: [label("cat", "red")]) == .invalidLabelColor(label: "cat", color: "red"))
    }

    @Test func ids_and_actors_are_validated() {
        #expect(create(id: "") == .invalidIdentifier(kind: "dataset", value: ""))
        #expect(create(id: "has space") == .invalidIdentifier(kind: "dataset", value: "has space"))
        var harness = Harness()
        #expect(
            harness.refusal(.createDataset(id: "d", name: "n", typeCode: 0, labels: [], description: "", by: " ", at: t0))
                == .invalidActor(" "))
    }
}
