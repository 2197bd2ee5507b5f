import LabelingDomain

/// One page of a tab as the query API answers it: the samples (read-model values, see
/// ``SampleView``) and the dataset's labeling type, which every label's wire shape shows.
public struct TabPage: Sendable, Equatable {
    public var type: LabelingType
    public var samples: [SampleView]
    /// The cursor of the next page; nil on the last page.
    public var nextCursor: SampleCursor?
}
