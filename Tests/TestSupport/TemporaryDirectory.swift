import Foundation

/// A fresh directory under the system temporary directory, removed by `cleanup()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    /// `name` (the test's name by default) makes leftovers easy to attribute.
    public init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("labelledger-tests")
            .appendingPathComponent("\(safe)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    public func cleanup() { try? FileManager.default.removeItem(at: url) }
}
