import LabelingDomain

/// A listing of samples: one tab of one dataset, filters combined with AND, sorted by
/// the order samples were added, paged by `offset`/`limit` or by a keyset ``cursor``.
///
/// ```swift
/// var query = SampleQuery(dataset: "ds-1", tab: .toBeConfirmed, limit: 100)
/// query.hard = true
/// query.scoreRange = 0.0...0.6
/// let first = try queries.samples(query)
/// query.cursor = first.nextCursor          // the next page, stable under concurrent writes
/// ```
///
/// Rules (checked by ``ProjectionQueries/samples(_:)``, ``ProjectionError/invalidQuery(field:reason:)``):
/// `limit` in 1…100; `offset` ≥ 0 and 0 with a cursor; a cursor is used with the order
/// it was made for; score bounds within [0, 1].
public struct SampleQuery: Sendable, Hashable {
    public var dataset: DatasetID
    public var tab: SampleTab
    /// Samples whose visible labels include this label name.
    public var labelName: String?
    /// true: hard examples only; false: samples without a hard mark.
    public var hard: Bool?
    public var labeler: Labeler?
    /// Samples whose highest machine score lies in the range (samples without a score are excluded).
    public var scoreRange: ClosedRange<Double>?
    public var namePrefix: String?
    public var order: SampleOrder
    public var offset: Int
    public var limit: Int
    public var cursor: SampleCursor?

    public init(
        dataset: DatasetID, tab: SampleTab = .all, labelName: String? = nil, hard: Bool? = nil, labeler: Labeler? = nil,
        scoreRange: ClosedRange<Double>? = nil, namePrefix: String? = nil, order: SampleOrder = .desc,
        offset: Int = 0, limit: Int = 10, cursor: SampleCursor? = nil
    ) {
        self.dataset = dataset
        self.tab = tab
        self.labelName = labelName
        self.hard = hard
        self.labeler = labeler
        self.scoreRange = scoreRange
        self.namePrefix = namePrefix
        self.order = order
        self.offset = offset
        self.limit = limit
        self.cursor = cursor
    }
}

extension SampleQuery {
    /// Checks the paging and filter rules (see the type's documentation).
    /// - Throws: ``ProjectionError/invalidQuery(field:reason:)`` naming the first broken rule.
    func validate() throws(ProjectionError) {
        guard (1...100).contains(limit) else {
            throw .invalidQuery(field: "limit", reason: "\(limit) is outside 1…100")
        }
        guard offset >= 0 else { throw .invalidQuery(field: "offset", reason: "\(offset) is negative") }
        if let cursor {
            guard cursor.order == order else {
                throw .invalidQuery(field: "cursor", reason: "the cursor was made for order \(cursor.order.rawValue)")
            }
            guard offset == 0 else { throw .invalidQuery(field: "offset", reason: "offset and cursor exclude each other") }
        }
        if let range = scoreRange, range.lowerBound < 0 || range.upperBound > 1 {
            throw .invalidQuery(field: "score", reason: "\(range) is not within [0, 1]")
        }
    }
}
