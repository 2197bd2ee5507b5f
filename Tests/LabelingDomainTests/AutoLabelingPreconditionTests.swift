import LabelingDomain
import Testing

@Suite struct AutoLabelingPreconditionTests {
    func request(_ id: TaskID = "t1", type: TaskType = .autoLabel, model: ModelRef? = nil, accuracy: Double? = nil) -> DatasetCommand {
        .requestAutoLabeling(taskID: id, type: type, algorithm: .accurate, model: model, targetAccuracy: accuracy, by: "ana", at: at(1))
    }

    /// cat and dog on `perLabel` labeled samples each, plus `unlabeled` samples.
    func ready(perLabel: Int = 5, unlabeled: Int = 1, labels: [String] = ["cat", "dog"]) throws -> Harness {
        var harness = try Harness.classification(labels: labels, samples: perLabel * labels.count + unlabeled)
        for (n, name) in labels.enumerated() {
            try harness.labelByHand((0..<perLabel).map { "s\(n * perLabel + $0)" }, name)
        }
        return harness
    }

    @Test func active_learning_is_queued_when_every_precondition_holds() throws {
        var harness = try ready()
        let decision = try harness.run(request())
        #expect(decision.events == [
            .autoLabelTaskQueued(AutoLabelTaskQueued(
                taskID: "t1", taskType: .autoLabel, algorithm: .accurate, model: nil, targetAccuracy: 0.95, requestedBy: "ana", at: at(1)))
        ])
        #expect(harness.state.tasks["t1"]?.status == .queuing)
        #expect(harness.state.activeTaskID == "t1")
    }

    @Test func active_learning_needs_two_labels() throws {
        var harness = try ready(labels: ["cat"])
        let error = harness.refusal(request())
        #expect(error == .tooFewLabelsForActiveLearning(count: 1))
        #expect(error?.code == "ModelArts.4405")
        #expect(error?.httpStatus == 400)
    }

    @Test func active_learning_needs_each_label_on_five_labeled_samples_and_names_the_label() throws {
        var harness = try ready()
        try harness.run(.updateSampleLabels([SampleLabelUpdate(sampleID: "s7", labels: [])], by: "ana"))
        let error = harness.refusal(request())
        #expect(error == .labelHasTooFewSamples(label: "dog", count: 4))
        #expect(error?.code == "ModelArts.4406")
        #expect(error?.message.contains("'dog'") == true)
    }

    @Test func auto_labeling_needs_an_unlabeled_sample() throws {
        var harness = try ready(unlabeled: 0)
        #expect(harness.refusal(request())?.code == "ModelArts.4407")
    }

    @Test func only_one_task_per_dataset_at_a_time() throws {
        var harness = try ready(unlabeled: 2)
        try harness.run(request("t1"))
        #expect(harness.refusal(request("t2")) == .autoLabelTaskInProgress("t1"))
        #expect(harness.refusal(request("t2"))?.code == "ModelArts.4386")
        #expect(harness.refusal(request("t2"))?.httpStatus == 409)
        try harness.run(.startTask("t1", at: at(2)))
        try harness.run(.requestStop("t1", by: "ana", at: at(3)))
        #expect(harness.refusal(request("t2")) == .autoLabelTaskInProgress("t1"), "a stopping task still holds the dataset")
        try harness.run(.markStopped("t1", at: at(4)))
        #expect(harness.refusal(request("t2")) == nil)
    }

    @Test func a_queued_pre_label_task_blocks_with_its_own_code() throws {
        var harness = try ready()
        let model = ModelRef(name: "resnet", version: "2")
        try harness.register(model, type: .imageClassification)
        try harness.run(request("p1", type: .preLabel, model: model))
        #expect(harness.refusal(request("t2")) == .preLabelTaskInProgress("p1"))
        #expect(harness.refusal(request("t2"))?.code == "ModelArts.4387")
    }

    @Test func a_task_id_is_used_once() throws {
        var harness = try ready()
        try harness.run(request("t1"))
        try harness.run(.failTask("t1", code: "X", message: "boom", at: at(2)))
        #expect(harness.refusal(request("t1")) == .taskAlreadyExists("t1"))
    }

    /// Issue 24: the built-in detector trains on boxes, so detection datasets take active learning
    /// with the classifier's rule (2 labels, each on 5 labeled images, 1 unlabeled image); the old
    /// refusal ModelArts.4408 is gone.
    @Test func detection_active_learning_has_the_classification_preconditions() throws {
        var harness = try Harness.detection(samples: 11)
        func boxByHand(_ ids: ClosedRange<Int>, _ name: String) throws {
            try harness.run(.updateSampleLabels(ids.map {
                SampleLabelUpdate(sampleID: SampleID("s\($0)"), labels: [ManualLabel(name: name, box: BoundingBox(x: 2, y: 3, width: 10, height: 8))])
            }, by: "ana"))
        }
        try boxByHand(0...3, "car")
        try boxByHand(5...9, "person")
        #expect(harness.refusal(request()) == .labelHasTooFewSamples(label: "car", count: 4))
        try boxByHand(4...4, "car")
        let decision = try harness.run(request())
        #expect(decision.events.count == 1)
        #expect(harness.state.tasks["t1"]?.type == .autoLabel)
    }

    @Test func pre_labeling_needs_a_registered_model_of_the_dataset_type() throws {
        var harness = try Harness.detection(samples: 1)
        let classifier = ModelRef(name: "resnet", version: "1")
        let detector = ModelRef(name: "yolo", version: "8")
        try harness.register(classifier, type: .imageClassification)
        try harness.register(detector, type: .objectDetection)
        #expect(harness.refusal(request(type: .preLabel, model: nil))?.code == "LabelLedger.1037")
        #expect(harness.refusal(request(type: .preLabel, model: ModelRef(name: "nope", version: "1"))) == .modelNotFound(ModelRef(name: "nope", version: "1")))
        let mismatch = harness.refusal(request(type: .preLabel, model: classifier))
        #expect(mismatch == .modelTypeMismatch(model: classifier, modelType: .imageClassification, datasetType: .objectDetection))
        #expect(mismatch?.code == "ModelArts.4399")
        #expect(harness.refusal(request(type: .preLabel, model: detector)) == nil)
        #expect(harness.state.tasks["t1"]?.model == detector)
    }

    @Test func pre_labeling_does_not_need_labeled_samples_but_needs_an_unlabeled_one() throws {
        var harness = try Harness.classification(samples: 0)
        let model = ModelRef(name: "resnet", version: "1")
        try harness.register(model, type: .imageClassification)
        #expect(harness.refusal(request(type: .preLabel, model: model))?.code == "ModelArts.4407")
        try harness.run(.addSamples([newSample("a")], by: "ana"))
        #expect(harness.refusal(request(type: .preLabel, model: model)) == nil)
    }

    @Test(arguments: [0.0, -0.5, 1.5])
    func target_accuracy_must_be_in_0_exclusive_1(accuracy: Double) throws {
        var harness = try ready()
        #expect(harness.refusal(request(accuracy: accuracy)) == .invalidTargetAccuracy(accuracy))
    }
}
