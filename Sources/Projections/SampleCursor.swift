/// A keyset position in a tab: the sort key of the last sample of a page.
///
/// The sort key of a sample (``SampleView/sortKey``) never changes, so the next page
/// starts right after it whatever was added, changed or deleted meanwhile: a sample that
/// stays in the tab appears exactly once across pages. ``token`` is the opaque form for
/// HTTP (`s<key>.<order>`).
public struct SampleCursor: Sendable, Hashable, CustomStringConvertible {
    public var sortKey: Int64
    public var order: SampleOrder

    public init(sortKey: Int64, order: SampleOrder) {
        self.sortKey = sortKey
        self.order = order
    }

    public init?(token: String) {
        guard token.hasPrefix("s"), let dot = token.firstIndex(of: "."),
            let key = Int64(token[token.index(after: token.startIndex)..<dot]),
            let order = SampleOrder(rawValue: String(token[token.index(after: dot)...]))
        else { return nil }
        self.init(sortKey: key, order: order)
    }

    public var token: String { "s\(sortKey).\(order.rawValue)" }
    public var description: String { token }
}
