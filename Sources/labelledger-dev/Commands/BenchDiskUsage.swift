import Foundation
import LabelingService
import Projections

/// Bytes on disk of a data directory, file by file, for the benchmarks: the log's segments,
/// its stream index, and each projection's live generation (with its `-wal`). Images are
/// not part of it (the benchmarks' samples have none on disk).
///
/// Invariant: `total` is the sum of `files`; a file that does not exist counts 0 bytes.
struct BenchDiskUsage {
    let files: [(name: String, bytes: Int)]
    var total: Int { files.reduce(0) { $0 + $1.bytes } }

    init(data: DataDirectory, store: ProjectionStore) throws {
        let manager = FileManager.default
        func size(_ path: String) -> Int {
            ((try? manager.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }
        let logFiles = try manager.contentsOfDirectory(atPath: data.log.path)
        let segments = logFiles.filter { $0.hasSuffix(".seg") }
            .reduce(0) { $0 + size(data.log.appendingPathComponent($1).path) }
        let index = logFiles.filter { $0.hasPrefix("index.sqlite") }
            .reduce(0) { $0 + size(data.log.appendingPathComponent($1).path) }
        var files: [(name: String, bytes: Int)] = [("log_segments", segments), ("log_index", index)]
        for kind in ProjectionKind.allCases {
            let path = store.file(kind).path
            files.append((kind.rawValue, size(path) + size(path + "-wal")))
        }
        self.files = files
    }
}
