/// A registered model, by name and version (see ``ModelRegistryState``).
public struct ModelRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    public var description: String { "\(name):\(version)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.name, lhs.version) < (rhs.name, rhs.version)
    }
}
