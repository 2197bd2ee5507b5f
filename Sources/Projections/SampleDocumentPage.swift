/// One page of a tab rendered as the API's JSON (see ``SampleDocument``).
public struct SampleDocumentPage: Sendable, Equatable {
    /// A JSON array of ``count`` sample objects.
    public var json: [UInt8]
    public var count: Int
    /// The cursor of the next page; nil on the last page.
    public var nextCursor: SampleCursor?
}
