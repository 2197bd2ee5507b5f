import LabelingDomain

/// A registered pre-labeling model as the `models` table of the tasks projection holds it
/// (one row per `ModelRegistered`; the first registration of a name and version holds, as
/// in the registry's own `evolve`).
public struct ModelView: Sendable, Equatable {
    /// `<name>:<version>`, as a pre-label task and a model labeler name it.
    public var ref: ModelRef
    public var type: LabelingType
    /// The executable, then its arguments.
    public var commandLine: [String]
    public var timeoutSeconds: UInt32
    public var registeredBy: String
    public var registeredAt: Instant
    /// The log position of its `ModelRegistered` event.
    public var position: UInt64
}
