/// The identity of a sample (one image) inside its dataset.
///
/// Ids are chosen by the caller (the domain never generates one) and are opaque,
/// non-empty strings.
///
/// ```swift
/// let id: SampleID = "img-000042"
/// ```
public struct SampleID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
