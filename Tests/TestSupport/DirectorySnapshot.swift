import Foundation

/// Every file and folder under a directory with its bytes and modification time, for
/// tests that check a command wrote nothing (no file created, removed, changed or touched).
public struct DirectorySnapshot: Equatable, Sendable, CustomStringConvertible {
    public struct Entry: Equatable, Sendable {
        public var isDirectory: Bool
        public var modified: Date
        /// Nil for folders.
        public var bytes: Data?
    }

    /// Keyed by the path relative to the root ("" is the root itself).
    public let entries: [String: Entry]

    public init(_ root: URL) throws {
        let files = FileManager.default
        var entries: [String: Entry] = [:]
        func add(_ relative: String) throws {
            let path = relative.isEmpty ? root.path : root.path + "/" + relative
            let attributes = try files.attributesOfItem(atPath: path)
            let isDirectory = attributes[.type] as? FileAttributeType == .typeDirectory
            entries[relative] = Entry(
                isDirectory: isDirectory, modified: attributes[.modificationDate] as? Date ?? .distantPast,
                bytes: isDirectory ? nil : try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        try add("")
        for relative in try files.subpathsOfDirectory(atPath: root.path) { try add(relative) }
        self.entries = entries
    }

    /// The paths that differ from `other` (created, removed, changed or touched).
    public func differences(from other: DirectorySnapshot) -> [String] {
        Set(entries.keys).union(other.entries.keys).filter { entries[$0] != other.entries[$0] }.sorted()
    }

    public var description: String { entries.keys.sorted().joined(separator: ", ") }
}
