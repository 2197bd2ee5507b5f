import EventLog
import Foundation
import LabelingDomain
import LabelingService
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
        try TestPNG.encode(width: width, height: height, seed: seed, rgba: rgba).write(to: url)
        return url
    }

    /// `../shared/data` beside the repository (override with LABELLEDGER_SHARED_DATA).
    static let soap = ProcessInfo.processInfo.environment["LABELLEDGER_SHARED_DATA"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")
}

/// A minimal, valid PNG encoder for test images: stored (uncompressed) deflate blocks,
/// with the zlib Adler-32 and the PNG CRC-32 computed here.
enum TestPNG {
    static func encode(width: Int, height: Int, seed: UInt8, rgba: Bool) -> Data {
        let channels = rgba ? 4 : 3
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)
            for x in 0..<width {
                for c in 0..<channels { raw.append(UInt8(truncatingIfNeeded: x * 7 + y * 13 + c * 29 + Int(seed) * 31)) }
            }
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, raw.count - offset)
            let final = offset + n == raw.count
            zlib.append(final ? 1 : 0)
            zlib += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + n)]
            offset += n
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        zlib += be32(b << 16 | a)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func chunk(_ type: String, _ body: [UInt8]) {
            png += be32(UInt32(body.count))
            let typed = Array(type.utf8) + body
            png += typed
            png += be32(crc32(typed))
        }
        chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, rgba ? 6 : 2, 0, 0, 0])
        chunk("IDAT", zlib)
        chunk("IEND", [])
        return Data(png)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        }
        return ~c
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
}
