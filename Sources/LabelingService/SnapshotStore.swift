#if canImport(Glibc)
import Glibc
#endif
import EventLog
import Foundation
import LabelingDomain
import Synchronization

/// A dataset state saved at a known point of its stream.
public struct DatasetSnapshot: Sendable {
    public var state: DatasetState
    /// The stream version the state includes.
    public var version: UInt64
    /// The global position and the id of the stream's event at `version`: together they
    /// prove the snapshot belongs to this very log.
    public var position: UInt64
    public var eventID: UUID
}

/// Dataset state snapshots in `<data>/snapshots/<dataset>.snapshot`, so that a
/// 1,000,000-sample dataset starts from its snapshot and replays only the events after it.
///
/// File layout (little-endian): magic `LLSNAP01`, state format version (UInt32), stream
/// version (UInt64), position (UInt64), event id (16 bytes), payload length (UInt64),
/// payload (``DatasetSnapshotCodec``), CRC-32C of everything before it (UInt32).
///
/// Invariant: a snapshot is a cache. Loading returns nil — and the caller replays the
/// stream — when the file is missing, damaged, of another state format, or names a
/// position the log does not hold for that version. Writes go to a temporary file that
/// is synced and renamed, so a crash leaves the old snapshot or the new one, never a mix.
public struct SnapshotStore: Sendable {
    static let magic = Array("LLSNAP01".utf8)
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    func url(for dataset: DatasetID) -> URL {
        // Dataset ids are free-form: hex-encode them for a safe file name.
        let name = dataset.rawValue.utf8.map { String(format: "%02x", $0) }.joined()
        return directory.appendingPathComponent(name + ".snapshot")
    }

    /// Removes the snapshot of `dataset`, if any. A deleted dataset keeps none: its state
    /// (sample names, paths, labels) lives on only in the log, which an audit still reads.
    public func remove(_ dataset: DatasetID) {
        unlink(url(for: dataset).path)
    }

    /// Why the last `load` ignored a snapshot, for logs and tests.
    public enum Rejection: Error, Equatable, Sendable {
        case missing, damaged, otherStateFormat(UInt32), notInThisLog
    }

    /// Loads and validates the snapshot of `dataset` against `log`.
    public func load(_ dataset: DatasetID, log: EventLog) -> Result<DatasetSnapshot, Rejection> {
        guard let data = try? Data(contentsOf: url(for: dataset)) else { return .failure(.missing) }
        let bytes = [UInt8](data)
        let headerSize = 8 + 4 + 8 + 8 + 16 + 8
        guard bytes.count >= headerSize + 4, Array(bytes[0..<8]) == Self.magic else { return .failure(.damaged) }
        func read<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
            bytes[offset..<(offset + MemoryLayout<T>.size)].withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        let format = read(UInt32.self, 8)
        let version = read(UInt64.self, 12)
        let position = read(UInt64.self, 20)
        let eventID = UUID(uuid: bytes[28..<44].withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) })
        let length = read(UInt64.self, 44)
        guard UInt64(bytes.count) == UInt64(headerSize) + length + 4 else { return .failure(.damaged) }
        let stored = read(UInt32.self, bytes.count - 4)
        guard CRC32C.checksum(bytes[..<(bytes.count - 4)].withUnsafeBytes { Array($0) }) == stored else {
            return .failure(.damaged)
        }
        guard format == DatasetSnapshotCodec.stateFormatVersion else { return .failure(.otherStateFormat(format)) }
        guard let event = try? log.read(from: position, limit: 1).first, event.position == position,
            event.streamID == StreamNames.dataset(dataset), event.streamVersion == version, event.eventID == eventID
        else { return .failure(.notInThisLog) }
        guard let state = try? DatasetSnapshotCodec.decode(Data(bytes[headerSize..<(bytes.count - 4)])),
            state.version == version
        else { return .failure(.damaged) }
        return .success(DatasetSnapshot(state: state, version: version, position: position, eventID: eventID))
    }

    private static let replacing = Mutex(())

    /// The stream version a snapshot file holds (its header only), or nil.
    static func storedVersion(at url: URL) -> UInt64? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 20), header.count == 20, Array(header.prefix(8)) == magic else { return nil }
        return header[12..<20].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    /// Writes a snapshot atomically (temporary file, fsync, rename, fsync of the directory);
    /// does nothing when the stored snapshot is already as new.
    public func save(_ snapshot: DatasetSnapshot, of dataset: DatasetID) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let payload = DatasetSnapshotCodec.encode(snapshot.state)
        var bytes = Self.magic
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(DatasetSnapshotCodec.stateFormatVersion)
        append(snapshot.version)
        append(snapshot.position)
        withUnsafeBytes(of: snapshot.eventID.uuid) { bytes.append(contentsOf: $0) }
        append(UInt64(payload.count))
        bytes.append(contentsOf: payload)
        append(CRC32C.checksum(bytes))
        let target = url(for: dataset)
        let temporary = target.appendingPathExtension("tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let fd = open(temporary.path, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        // Never replace a newer snapshot with an older one (a slow background save racing
        // a later one): check and rename under one lock.
        let renamed = Self.replacing.withLock { _ -> Bool in
            if let existing = Self.storedVersion(at: target), existing >= snapshot.version { return false }
            return rename(temporary.path, target.path) == 0
        }
        guard renamed else {
            try? FileManager.default.removeItem(at: temporary)
            if let existing = Self.storedVersion(at: target), existing >= snapshot.version { return }
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
        }
        let dir = open(directory.path, O_RDONLY | O_DIRECTORY)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }
}
