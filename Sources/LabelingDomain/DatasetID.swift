/// The identity of a dataset (a labeling job); also the event stream's id.
///
/// Ids are chosen by the caller (the domain never generates one) and are opaque,
/// non-empty strings.
///
/// ```swift
/// let id: DatasetID = "ds-7f3a"
/// ```
public struct DatasetID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
