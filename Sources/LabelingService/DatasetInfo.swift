import LabelingDomain

/// What a dataset is, without its samples: cheap to hand out of the dataset's actor.
///
/// Handing out the whole ``DatasetState`` would share its sample storage with the actor;
/// the actor's next change would then copy every sample (copy-on-write), which for a
/// 1,000,000-sample dataset costs far more than the change itself.
public struct DatasetInfo: Sendable, Equatable {
    public var id: DatasetID
    public var name: String
    public var type: LabelingType
    public var description: String
    public var labels: [LabelDefinition]
    /// The stream version (the `If-Match` value).
    public var version: UInt64
    public var summary: DatasetSummary
    /// The dataset's continuous-mode setting (nil: never configured; `newSamples == 0`: off).
    public var continuousAutoLabeling: ContinuousAutoLabelingConfigured?
    /// Set when the dataset was deleted: who, when, and what it held. Readers show a
    /// deleted dataset as missing (it has no samples any more).
    public var deletion: DatasetDeleted?

    public init(_ state: DatasetState) {
        id = state.id
        name = state.name
        type = state.type
        description = state.description
        labels = state.labels
        version = state.version
        summary = DatasetSummary(state)
        continuousAutoLabeling = state.continuousAutoLabeling
        deletion = state.deletion
    }
}
