import LabelingDomain
import Testing

@Suite struct TaskStatusTests {
    static let accepted: Set<[Int]> = [
        [-1, 0], [0, 1], [1, 3],
        [-1, 2], [0, 2], [1, 2], [4, 2],
        [-1, 4], [0, 4], [1, 4], [4, 5],
    ]

    @Test func raw_values_are_the_services() {
        #expect(TaskStatus.allCases.map(\.rawValue) == [-1, 0, 1, 2, 3, 4, 5])
        #expect(TaskStatus.allCases.filter(\.isTerminal) == [.failed, .succeeded, .stopped])
    }

    @Test(arguments: TaskStatus.allCases, TaskStatus.allCases)
    func the_status_machine_accepts_exactly_the_documented_transitions(from: TaskStatus, to: TaskStatus) {
        #expect(from.canTransition(to: to) == Self.accepted.contains([from.rawValue, to.rawValue]))
    }

    /// The command that moves a task to `status`.
    func command(to status: TaskStatus) -> DatasetCommand? {
        switch status {
        case .initializing: .startTask("t1", at: at(10))
        case .running: .runTask("t1", at: at(10))
        case .failed: .failTask("t1", code: "E1", message: "out of memory", at: at(10))
        case .succeeded: .succeedTask("t1", counts: TaskResultCounts(totalSamples: 1, autoLabeledSamples: 0, hardExamples: 0, flattenedRGBAImages: 0), at: at(10))
        case .stopping: .requestStop("t1", by: "ana", at: at(10))
        case .stopped: .markStopped("t1", at: at(10))
        case .queuing: nil
        }
    }

    /// Drives a fresh task "t1" to `status` through accepted transitions.
    func harness(at status: TaskStatus) throws -> Harness {
        var harness = try Harness.classification(samples: 11)
        try harness.labelByHand((0..<5).map { "s\($0)" }, "cat")
        try harness.labelByHand((5..<10).map { "s\($0)" }, "dog")
        try harness.run(.requestAutoLabeling(
            taskID: "t1", type: .autoLabel, algorithm: .fast, model: nil, targetAccuracy: nil, by: "ana", at: at(1)))
        let path: [TaskStatus] = switch status {
        case .queuing: []
        case .initializing: [.initializing]
        case .running: [.initializing, .running]
        case .failed: [.failed]
        case .succeeded: [.initializing, .running, .succeeded]
        case .stopping: [.stopping]
        case .stopped: [.stopping, .stopped]
        }
        for step in path { try harness.run(command(to: step)!) }
        return harness
    }

    @Test(arguments: TaskStatus.allCases, TaskStatus.allCases.filter { $0 != .queuing })
    func lifecycle_commands_follow_the_status_machine(from: TaskStatus, to: TaskStatus) throws {
        var harness = try harness(at: from)
        #expect(harness.state.tasks["t1"]?.status == from)
        let error = harness.refusal(command(to: to)!)
        if from.canTransition(to: to) {
            #expect(error == nil)
            #expect(harness.state.tasks["t1"]?.status == to)
            #expect((harness.state.activeTaskID == nil) == to.isTerminal)
        } else {
            #expect(error == .invalidTaskTransition(task: "t1", from: from, to: to))
            #expect(error?.code == "LabelLedger.1029")
            #expect(harness.state.tasks["t1"]?.status == from)
        }
        #expect(invariantViolations(harness.state).isEmpty)
    }

    @Test func commands_on_an_unknown_task_are_refused() throws {
        var harness = try Harness.classification()
        #expect(harness.refusal(.startTask("ghost", at: t0)) == .taskNotFound("ghost"))
        #expect(harness.refusal(.startTask("ghost", at: t0))?.httpStatus == 404)
    }

    @Test func the_task_keeps_its_history() throws {
        var harness = try Harness.withRunningTask()
        try harness.run(.reportProgress("t1", processed: 2, total: 3, percent: 66.7, phase: .labeling, at: at(4)))
        try harness.run(.finishTraining("t1", metrics: ["accuracy": 0.97, "loss": 0.1, "temperature": 1.3], at: at(5)))
        let counts = TaskResultCounts(totalSamples: 3, autoLabeledSamples: 2, hardExamples: 1, flattenedRGBAImages: 1)
        try harness.run(.succeedTask("t1", counts: counts, at: at(6)))
        let task = try #require(harness.state.tasks["t1"])
        #expect(task.queuedAt == at(1))
        #expect(task.startedAt == at(2))
        #expect(task.endedAt == at(6))
        #expect(task.progress?.processed == 2)
        #expect(task.progress?.phase == .labeling)
        #expect(task.metrics["accuracy"] == 0.97)
        #expect(task.result == counts)
        #expect(harness.state.activeTaskID == nil)
    }

    @Test func a_failed_task_records_code_and_message() throws {
        var harness = try Harness.withRunningTask()
        try harness.run(.failTask("t1", code: "LabelLedger.9001", message: "trainer crashed", at: at(9)))
        #expect(harness.state.tasks["t1"]?.failure == .init(code: "LabelLedger.9001", message: "trainer crashed"))
    }

    @Test func progress_must_be_consistent_and_comes_only_while_initializing_or_running() throws {
        var harness = try Harness.withRunningTask()
        #expect(harness.refusal(.reportProgress("t1", processed: 4, total: 3, percent: 10, phase: .labeling, at: at(4)))?.code == "LabelLedger.1034")
        #expect(harness.refusal(.reportProgress("t1", processed: 1, total: 3, percent: 101, phase: .labeling, at: at(4)))?.code == "LabelLedger.1034")
        try harness.run(.requestStop("t1", by: "ana", at: at(5)))
        #expect(harness.refusal(.reportProgress("t1", processed: 1, total: 3, percent: 10, phase: .labeling, at: at(6)))
            == .taskNotRunning(task: "t1", status: .stopping))
        #expect(harness.refusal(.finishTraining("t1", metrics: [:], at: at(6))) == .taskNotRunning(task: "t1", status: .stopping))
    }
}
