import Foundation

/// One entry of a dataset's label set.
///
/// Invariants (checked by `decide`, see ``DomainError``): `name` is 1–64
/// characters with no control characters and no leading/trailing whitespace,
/// unique within the dataset; `color` is `#RRGGBB`.
public struct LabelDefinition: Sendable, Hashable {
    public var name: String
    /// Display colour, `#RRGGBB` (hex digits, either case).
    public var color: String

    public init(name: String, color: String) {
        self.name = name
        self.color = color
    }
}

extension LabelDefinition {
    static let maximumNameLength = 64
    /// Labels in one dataset's label set (``DomainError/tooManyLabels(count:)`` beyond).
    public static let maximumPerDataset = 1000

    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= maximumNameLength else { return false }
        guard name.trimmingCharacters(in: .whitespaces) == name else { return false }
        return !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    static func isValidColor(_ color: String) -> Bool {
        let scalars = Array(color.unicodeScalars)
        guard scalars.count == 7, scalars[0] == "#" else { return false }
        return scalars.dropFirst().allSatisfy { $0.properties.isASCIIHexDigit }
    }
}
