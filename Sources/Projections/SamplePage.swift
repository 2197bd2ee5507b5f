/// One page of a tab.
public struct SamplePage: Sendable, Equatable {
    public var samples: [SampleView]
    /// The cursor of the next page; nil on the last page.
    public var nextCursor: SampleCursor?
}
