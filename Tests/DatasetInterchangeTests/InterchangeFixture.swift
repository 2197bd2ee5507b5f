import EventLog
import Foundation
import LabelingDomain
import LabelingService
import TestSupport
@testable import DatasetInterchange

/// A data directory with a log and a dataset service, plus a folder for import sources.
struct InterchangeFixture {
    let root: URL
    let log: EventLog
    let service: DatasetService
    var sources: URL { root.appendingPathComponent("sources") }

    init(name: String = #function) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("labelledger-interchange")
            .appendingPathComponent("\(name.filter { $0.isLetter })-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sources"), withIntermediateDirectories: true)
        log = try EventLog.open(directory: root.appendingPathComponent("log"), configuration: .init(durability: .none))
        service = DatasetService(log: log, snapshotDirectory: root.appendingPathComponent("snapshots"))
    }

    func cleanup() { try? FileManager.default.removeItem(at: root) }

    var importer: DatasetImporter { DatasetImporter(service: service) }

    @discardableResult
    func createDataset(_ id: DatasetID, type: Int, labels: [String]) async throws -> CommandOutcome {
        try await service.execute(
            .createDataset(
                id: id, name: id.rawValue, typeCode: type, labels: labels.map { LabelDefinition(name: $0, color: "#112233") },
                description: "", by: "tester", at: Instant(microsecondsSince1970: 1_700_000_000_000_000)),
            on: id, actor: "tester")
    }

    func write(_ text: String, to name: String) throws -> URL {
        let url = sources.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    @discardableResult
    func png(_ name: String, width: Int = 32, height: Int = 24, seed: UInt8 = 0, rgba: Bool = false) throws -> URL {
        let url = sources.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try TestPNG.pattern(width: width, height: height, seed: Int(seed), rgba: rgba).write(to: url)
        return url
    }

    static var soap: URL { TestData.directory }
}
