import LabelingDomain
import Testing

@Suite struct ModelRegistryTests {
    let ref = ModelRef(name: "resnet", version: "1")

    func register(_ ref: ModelRef, in registry: ModelRegistryState, commandLine: [String] = ["/bin/predict"], timeout: UInt32 = 60)
        throws(DomainError) -> [DomainEvent]
    {
        try decide(.registerModel(ref, type: .imageClassification, commandLine: commandLine, timeoutSeconds: timeout, by: "ops", at: t0), registry: registry)
    }

    @Test func a_model_is_registered_with_its_type_command_and_timeout() throws {
        var registry = ModelRegistryState()
        for event in try register(ref, in: registry) { evolve(&registry, event) }
        let model = try #require(registry.models[ref])
        #expect(model.type == .imageClassification)
        #expect(model.commandLine == ["/bin/predict"])
        #expect(model.timeoutSeconds == 60)
    }

    @Test func the_same_name_and_version_is_registered_once() throws {
        var registry = ModelRegistryState()
        for event in try register(ref, in: registry) { evolve(&registry, event) }
        #expect(throws: DomainError.modelAlreadyRegistered(ref)) { try register(ref, in: registry) }
        #expect(throws: Never.self) { try register(ModelRef(name: "resnet", version: "2"), in: registry) }
    }

    @Test func a_model_needs_a_name_version_command_line_and_sane_timeout() {
        let registry = ModelRegistryState()
        for (ref, commandLine, timeout) in [
            (ModelRef(name: "", version: "1"), ["/x"], UInt32(60)), (ModelRef(name: "a", version: ""), ["/x"], 60),
            (ModelRef(name: "a:b", version: "1"), ["/x"], 60), (ModelRef(name: "a", version: "1:2"), ["/x"], 60), (ref, [], 60), (ref, [""], 60), (ref, ["/x"], 0),
            (ref, ["/x"], 86_401),
        ] {
            #expect(performing: { try register(ref, in: registry, commandLine: commandLine, timeout: timeout) },
                    throws: { ($0 as? DomainError)?.code == "LabelLedger.1037" })
        }
    }

    @Test func the_dataset_ignores_registry_events_and_the_registry_ignores_dataset_events() throws {
        var registry = ModelRegistryState()
        evolve(&registry, everyEvent[0])
        #expect(registry == ModelRegistryState())
        var state = DatasetState()
        evolve(&state, everyEvent.last!)
        #expect(state == DatasetState())
    }
}
