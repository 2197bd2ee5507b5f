import LabelingDomain
import Testing

@Suite struct HardMarkTests {
    @Test func a_person_marks_samples_in_any_state_as_hard() throws {
        var harness = try Harness.classification(samples: 2)
        try harness.labelByHand(["s1"], "cat")
        let decision = try harness.run(.markHard(["s0", "s1"], reasonCodes: [1, 30], coefficient: 0.7, by: "ana"))
        #expect(decision.results.allSatisfy { $0.success })
        let mark = HardMark(reasons: [.lowConfidence, .predictedAbnormal], coefficient: 0.7, origin: .person("ana"))
        #expect(harness.state.samples["s0"]?.hardMark == mark)
        #expect(harness.state.samples["s1"]?.hardMark == mark)
        #expect(harness.state.samples["s1"]?.state == .labeled)
        #expect(harness.state.hardSampleCount == 2)
        #expect(harness.state.hardReasonCounts == [.lowConfidence: 2, .predictedAbnormal: 2])
    }

    @Test func clearing_removes_the_mark_and_its_counts() throws {
        var harness = try Harness.classification(samples: 2)
        try harness.run(.markHard(["s0", "s1"], reasonCodes: [0], coefficient: 1, by: "ana"))
        let decision = try harness.run(.clearHard(["s0", "zzz"], by: "ana"))
        #expect(decision.results[1].error == .sampleNotFound("zzz"))
        #expect(harness.state.samples["s0"]?.hardMark == nil)
        #expect(harness.state.hardSampleCount == 1)
        #expect(harness.state.hardReasonCounts == [.noTargetIdentified: 1])
    }

    @Test(arguments: [-0.01, 1.01, Double.nan, Double.infinity])
    func the_coefficient_must_lie_in_0_1(coefficient: Double) throws {
        var harness = try Harness.classification(samples: 1)
        #expect(harness.refusal(.markHard(["s0"], reasonCodes: [1], coefficient: coefficient, by: "ana"))?.code == "LabelLedger.1024")
    }

    @Test(arguments: [0.0, 1.0])
    func the_coefficient_bounds_are_accepted(coefficient: Double) throws {
        var harness = try Harness.classification(samples: 1)
        #expect(harness.refusal(.markHard(["s0"], reasonCodes: [1], coefficient: coefficient, by: "ana")) == nil)
    }

    @Test(arguments: [-1, 31, 100])
    func reason_codes_outside_0_30_are_refused(code: Int) throws {
        var harness = try Harness.classification(samples: 1)
        #expect(harness.refusal(.markHard(["s0"], reasonCodes: [1, code], coefficient: 0.5, by: "ana")) == .invalidHardReason(code))
    }

    @Test func a_person_marks_a_sample_hard_without_a_reason() throws {
        var harness = try Harness.classification(samples: 1)
        let decision = try harness.run(.markHard(["s0"], reasonCodes: [], coefficient: 1, by: "ana"))
        #expect(decision.results.allSatisfy { $0.success })
        #expect(harness.state.samples["s0"]?.hardMark == HardMark(reasons: [], coefficient: 1, origin: .person("ana")))
        #expect(harness.state.hardSampleCount == 1)
        #expect(harness.state.hardReasonCounts.isEmpty)
    }

    @Test func a_bad_coefficient_is_refused_before_the_reasons_are_looked_at() throws {
        var harness = try Harness.classification(samples: 1)
        #expect(harness.refusal(.markHard(["s0"], reasonCodes: [], coefficient: 2, by: "ana")) == .invalidHardCoefficient(2))
        #expect(harness.refusal(.markHard(["s0"], reasonCodes: [99], coefficient: 2, by: "ana")) == .invalidHardCoefficient(2))
    }

    @Test func every_reason_code_of_the_service_table_is_known() {
        #expect(HardReason.allCases.map(\.rawValue) == Array(0...30))
        #expect(HardReason(rawValue: 2)?.meaning.contains("clustering") == true)
    }
}
