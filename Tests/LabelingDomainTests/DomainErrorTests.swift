import LabelingDomain
import Testing

/// One value of every DomainError case.
let everyError: [DomainError] = [
    .invalidDatasetName("a b"), .unsupportedLabelingType(3), .datasetAlreadyExists("d"), .datasetNotFound,
    .invalidLabelName(""), .invalidLabelColor(label: "c", color: "red"), .duplicateLabel("c"), .labelNotFound("c"),
    .labelInUse(label: "c", samples: 2), .emptyBatch, .duplicateSampleInBatch("s"), .sampleNotFound("s"),
    .sampleAlreadyExists("s"), .duplicateSampleName(sample: "s", name: "n"), .invalidSampleName(sample: "s", name: ""),
    .invalidImageSize(sample: "s", width: 0, height: 1, channels: 3), .invalidContentHash(sample: "s", hash: "x"),
    .unknownLabelOnSample(sample: "s", label: "cow"), .boxNotAllowed(sample: "s", label: "c"), .boxRequired(sample: "s", label: "c"),
    .invalidBox(sample: "s", label: "c", box: box(0, 0, 0, 0), width: 1, height: 1), .invalidScore(sample: "s", label: "c", score: 2),
    .sampleNotToBeConfirmed(sample: "s", state: .labeled), .invalidLabelSet(sample: "s", reason: "r"),
    .invalidHardCoefficient(2), .invalidHardReason(31), .missingHardReason, .taskNotFound("t"), .taskAlreadyExists("t"),
    .invalidTaskTransition(task: "t", from: .stopped, to: .running), .taskNotRunning(task: "t", status: .queuing),
    .sampleNotUnlabeled(sample: "s", state: .labeled), .sampleAlreadyAutoLabeledByTask(sample: "s", task: "t"),
    .invalidTargetAccuracy(0), .invalidProgress(processed: 2, total: 1, percent: 0), .autoLabelTaskInProgress("t"),
    .preLabelTaskInProgress("t"), .modelTypeMismatch(model: ModelRef(name: "m", version: "1"), modelType: .objectDetection, datasetType: .imageClassification),
    .tooFewLabelsForActiveLearning(count: 1), .labelHasTooFewSamples(label: "c", count: 4), .noUnlabeledSample,
    .modelNotFound(ModelRef(name: "m", version: "1")),
    .modelAlreadyRegistered(ModelRef(name: "m", version: "1")), .invalidModel(reason: "r"), .invalidActor(""),
    .invalidIdentifier(kind: "sample", value: ""), .unknownEventType("X"), .unsupportedSchemaVersion(type: "X", version: 9),
    .malformedPayload(type: "X", reason: "r"), .snapshotFormatMismatch(found: 0, expected: 1), .malformedSnapshot("r"),
    .invalidContinuousThreshold(-1),
    .datasetDeleted("d", by: "ada", at: t0), .datasetHasActiveTask(task: "t", status: .running),
    .descriptionTooLong(utf8Bytes: 2000), .tooManyLabels(count: 1001), .imageTooLarge(sample: "s", width: 10_000, height: 10_000),
    .invalidMetric(name: "loss"),
]

@Suite struct DomainErrorTests {
    @Test func every_code_is_distinct_and_well_formed() {
        // The code table in DomainError.swift has 58 rows, one per case (ModelArts.4408 retired).
        #expect(everyError.count == 58)
        let codes = everyError.map(\.code)
        #expect(Set(codes).count == codes.count)
        for code in codes {
            #expect(code.hasPrefix("LabelLedger.1") || code.hasPrefix("ModelArts.43") || code.hasPrefix("ModelArts.44"), "\(code)")
        }
    }

    @Test func the_service_codes_are_the_services() {
        let service = Dictionary(uniqueKeysWithValues: everyError.filter { $0.code.hasPrefix("ModelArts") }.map { ($0.code, $0) })
        #expect(Set(service.keys) == ["ModelArts.4386", "ModelArts.4387", "ModelArts.4399", "ModelArts.4405", "ModelArts.4406", "ModelArts.4407"])
        #expect(service["ModelArts.4405"] == .tooFewLabelsForActiveLearning(count: 1))
        #expect(service["ModelArts.4407"] == .noUnlabeledSample)
    }

    @Test(arguments: everyError)
    func every_error_has_a_known_http_status_and_a_message(error: DomainError) {
        #expect([400, 404, 409, 412, 422].contains(error.httpStatus))
        #expect(!error.message.isEmpty)
        #expect(error.description == "\(error.code): \(error.message)")
    }

    @Test func messages_name_the_offending_item() {
        #expect(DomainError.unknownLabelOnSample(sample: "img-7", label: "cow").message.contains("img-7"))
        #expect(DomainError.unknownLabelOnSample(sample: "img-7", label: "cow").message.contains("cow"))
        #expect(DomainError.labelHasTooFewSamples(label: "dog", count: 3).message.contains("dog"))
    }
}
