/// The model registry: a tiny aggregate of its own (one stream), holding the
/// models available for pre-labeling.
///
/// Invariant: a name and version pair is registered at most once.
///
/// ```swift
/// var registry = ModelRegistryState()
/// let events = try decide(.registerModel(ref, type: .imageClassification,
///                                        commandLine: ["/usr/bin/predict"], timeoutSeconds: 600,
///                                        by: "ops", at: now), registry: registry)
/// for event in events { evolve(&registry, event) }
/// ```
public struct ModelRegistryState: Sendable, Equatable {
    /// A registered model.
    public struct Model: Sendable, Equatable {
        public var ref: ModelRef
        public var type: LabelingType
        public var commandLine: [String]
        public var timeoutSeconds: UInt32
        public var registeredBy: String
        public var registeredAt: Instant
    }

    public internal(set) var models: [ModelRef: Model] = [:]
    /// The registry stream's version, set by the caller after each event.
    public var version: UInt64 = 0

    public init() {}
}

/// A request to the model registry.
public enum ModelRegistryCommand: Sendable, Equatable {
    /// `commandLine` is the executable then its arguments (non-empty);
    /// `timeoutSeconds` in 1…86 400.
    case registerModel(
        ModelRef, type: LabelingType, commandLine: [String], timeoutSeconds: UInt32, by: String, at: Instant)
}

/// Decides a model registry command.
///
/// - Throws: ``DomainError/modelAlreadyRegistered(_:)`` for a name and version
///   registered before; ``DomainError/invalidModel(reason:)`` for an empty name
///   or version, a `:` in either, an empty command line or a timeout outside 1…86 400 s.
public func decide(_ command: ModelRegistryCommand, registry: ModelRegistryState) throws(DomainError) -> [DomainEvent] {
    switch command {
    case .registerModel(let ref, let type, let commandLine, let timeout, let by, let at):
        try DatasetRules.actor(by)
        guard !ref.name.isEmpty, !ref.version.isEmpty else {
            throw .invalidModel(reason: "name and version must not be empty")
        }
        // `:` separates name and version wherever a model is named (`<name>:<version>`).
        guard !ref.name.contains(":") else { throw .invalidModel(reason: "name '\(ref.name)' must not contain ':'") }
        guard !ref.version.contains(":") else { throw .invalidModel(reason: "version '\(ref.version)' must not contain ':'") }
        guard let executable = commandLine.first, !executable.isEmpty else {
            throw .invalidModel(reason: "model \(ref) needs a command line")
        }
        guard (1...86_400).contains(timeout) else {
            throw .invalidModel(reason: "timeout \(timeout) s of model \(ref) must be in 1…86400")
        }
        guard registry.models[ref] == nil else { throw .modelAlreadyRegistered(ref) }
        return [
            .modelRegistered(ModelRegistered(
                model: ref, type: type, commandLine: commandLine, timeoutSeconds: timeout, by: by, at: at))
        ]
    }
}

/// Applies an event to the model registry; other events are ignored.
public func evolve(_ registry: inout ModelRegistryState, _ event: DomainEvent) {
    guard case .modelRegistered(let e) = event, registry.models[e.model] == nil else { return }
    registry.models[e.model] = ModelRegistryState.Model(
        ref: e.model, type: e.type, commandLine: e.commandLine, timeoutSeconds: e.timeoutSeconds,
        registeredBy: e.by, registeredAt: e.at)
}
