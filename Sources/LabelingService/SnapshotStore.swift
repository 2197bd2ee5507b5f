#if canImport(Glibc)
import Glibc
#endif
import EventLog
import Foundation
import LabelingDomain
import Synchronization

/// A dataset as of a known point of its stream, saved: everything a ``DatasetAtPosition``
/// holds, and the id of the stream's event at that point.
public struct DatasetSnapshot: Sendable {
    public var dataset: DatasetAtPosition
    /// The id of the stream's event at ``version``: with the position, proof that the
    /// snapshot belongs to this very log.
    public var eventID: UUID

    public init(dataset: DatasetAtPosition, eventID: UUID) {
        self.dataset = dataset
        self.eventID = eventID
    }

    public var state: DatasetState { dataset.state }
    /// The stream version the snapshot includes.
    public var version: UInt64 { dataset.state.version }
    /// The global position of the stream's event at ``version``.
    public var position: UInt64 { dataset.position }
}

/// Dataset snapshots: `<data>/snapshots/<dataset, hex>/<stream version, 20 digits>.snapshot`,
/// several per dataset, each a whole ``DatasetAtPosition``. A dataset's state starts from the
/// newest (a 1,000,000-sample dataset replays only the events after it), and an as-of read
/// from the newest at or before its position (``DatasetReplay``).
///
/// File layout (little-endian): magic `LLSNAP02`, state format (UInt32,
/// ``DatasetSnapshotCodec/stateFormatVersion``), facts format (UInt32,
/// ``SampleFactsCodec/formatVersion``), stream version (UInt64), position (UInt64), event id
/// (16 bytes), units (UInt64, ``DatasetAtPosition/units``), recorded-at of the last event
/// (Int64 microseconds, `Int64.min`: none), state length (UInt64) and bytes
/// (``DatasetSnapshotCodec``), facts length (UInt64) and bytes (``SampleFactsCodec``), then
/// the CRC-32C of everything before it (UInt32).
///
/// Invariants:
/// - A snapshot is a cache: the log is the truth. A file that is damaged (length or
///   checksum), of another format (such as `LLSNAP01`, the one-file-per-dataset layout
///   before this one, left at `<data>/snapshots/<dataset, hex>.snapshot` and removed by the
///   next save), or names a position the log does not hold for that version is never
///   served: it is reported on standard error with its reason and the next older one is
///   tried (in the end, the stream is replayed from its start).
/// - Writes go to a temporary file that is synced and renamed, so a crash leaves whole
///   files only.
/// - At most ``keep`` files per dataset: a save beyond that removes the older file whose
///   removal leaves the smallest gap (in units) between the remaining ones; the newest is
///   never removed. So an as-of read folds at most about `units of the stream / keep` units
///   after its snapshot, and recent positions, where snapshots are densest, much fewer.
public struct SnapshotStore: Sendable {
    static let magic = Array("LLSNAP02".utf8)
    static let legacyMagic = Array("LLSNAP01".utf8)
    /// Bytes before the state's: the fixed header and the state's length.
    static let headerSize = 8 + 4 + 4 + 8 + 8 + 16 + 8 + 8 + 8
    public let directory: URL
    /// The most snapshots kept per dataset.
    public let keep: Int

    public init(directory: URL, keep: Int = 16) {
        self.directory = directory
        self.keep = max(2, keep)
    }

    static func hex(_ dataset: DatasetID) -> String {
        // Dataset ids are free-form: hex-encode them for a safe file name.
        dataset.rawValue.utf8.map { String(format: "%02x", $0) }.joined()
    }

    /// The directory of `dataset`'s snapshots.
    func folder(for dataset: DatasetID) -> URL {
        directory.appendingPathComponent(Self.hex(dataset), isDirectory: true)
    }

    /// The file of `dataset`'s snapshot at `version`.
    func url(for dataset: DatasetID, version: UInt64) -> URL {
        folder(for: dataset).appendingPathComponent(String(format: "%020llu", version) + ".snapshot")
    }

    /// The single file of the format before this one.
    func legacyURL(for dataset: DatasetID) -> URL {
        directory.appendingPathComponent(Self.hex(dataset) + ".snapshot")
    }

    /// The stream versions of `dataset`'s snapshot files, newest first (by file name).
    func versions(of dataset: DatasetID) -> [UInt64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder(for: dataset).path)) ?? []
        return names.compactMap { name -> UInt64? in
            guard name.hasSuffix(".snapshot"), name.count == 29 else { return nil }
            return UInt64(name.prefix(20))
        }.sorted(by: >)
    }

    /// Removes every snapshot of `dataset`. A deleted dataset keeps none: its state (sample
    /// names, paths, labels) lives on only in the log, which an audit still reads.
    public func remove(_ dataset: DatasetID) {
        try? FileManager.default.removeItem(at: folder(for: dataset))
        unlink(legacyURL(for: dataset).path)
    }

    /// Why a snapshot file was not used, for logs and tests.
    public enum Rejection: Error, Equatable, Sendable {
        case missing, damaged, otherStateFormat(UInt32), notInThisLog
    }

    // MARK: - Loading

    /// The newest valid snapshot of `dataset`, its state only (``DatasetAtPosition/facts``
    /// left empty: a dataset's command side needs no more), or why there is none (the
    /// newest file's rejection; `.missing` when there is no file).
    public func load(_ dataset: DatasetID, log: EventLog) -> Result<DatasetSnapshot, Rejection> {
        newest(dataset, atOrBefore: .max, log: EventReader(log), facts: false)
    }

    /// The newest valid snapshot of `dataset` at or before `position`, whole: where an
    /// as-of read starts (nil: none, fold the stream from its start).
    public func base(of dataset: DatasetID, atOrBefore position: UInt64, log: EventReader) -> DatasetAtPosition? {
        try? newest(dataset, atOrBefore: position, log: log, facts: true).get().dataset
    }

    private func newest(_ dataset: DatasetID, atOrBefore position: UInt64, log: EventReader, facts: Bool)
        -> Result<DatasetSnapshot, Rejection>
    {
        var first: Rejection?
        for version in versions(of: dataset) {
            let url = url(for: dataset, version: version)
            switch read(url, dataset: dataset, atOrBefore: position, log: log, facts: facts) {
            case .success(let snapshot?):
                return .success(snapshot)
            case .success(nil):
                continue  // after the position asked for
            case .failure(let rejection):
                Self.report(url, rejection)
                first = first ?? rejection
            }
        }
        return .failure(first ?? .missing)
    }

    /// Reports an ignored snapshot on standard error (a cache miss worth knowing about).
    static func report(_ url: URL, _ rejection: Rejection) {
        let reason = switch rejection {
        case .missing: "missing"
        case .damaged: "damaged (length or CRC-32C)"
        case .otherStateFormat(let format): "of another format (\(format))"
        case .notInThisLog: "not of this log (its position does not hold its event)"
        }
        FileHandle.standardError.write(Data("labelledger: snapshot \(url.lastPathComponent) ignored: \(reason); the stream is replayed instead\n".utf8))
    }

    /// One file: nil when its position lies after `position`.
    func read(_ url: URL, dataset: DatasetID, atOrBefore position: UInt64, log: EventReader, facts: Bool)
        -> Result<DatasetSnapshot?, Rejection>
    {
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else { return .failure(.missing) }
        return data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Result<DatasetSnapshot?, Rejection> in
            guard bytes.count >= Self.headerSize + 12 else { return .failure(.damaged) }
            func read<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
                T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
            }
            let magic = Array(bytes[0..<8])
            if magic == Self.legacyMagic { return .failure(.otherStateFormat(read(UInt32.self, 8))) }
            guard magic == Self.magic else { return .failure(.damaged) }
            let stateFormat = read(UInt32.self, 8)
            let factsFormat = read(UInt32.self, 12)
            let version = read(UInt64.self, 16)
            let snapshotPosition = read(UInt64.self, 24)
            let eventID = UUID(uuid: bytes.loadUnaligned(fromByteOffset: 32, as: uuid_t.self))
            let units = read(UInt64.self, 48)
            let recordedAt = read(Int64.self, 56)
            let stateLength = read(UInt64.self, 64)
            guard stateLength <= UInt64(bytes.count - Self.headerSize - 12) else { return .failure(.damaged) }
            let stateStart = Self.headerSize
            let stateEnd = stateStart + Int(stateLength)
            let factsLength = read(UInt64.self, stateEnd)
            guard UInt64(bytes.count - stateEnd - 12) == factsLength else { return .failure(.damaged) }
            let factsStart = stateEnd + 8
            let stored = read(UInt32.self, bytes.count - 4)
            guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 4)])) == stored else {
                return .failure(.damaged)
            }
            guard stateFormat == DatasetSnapshotCodec.stateFormatVersion else { return .failure(.otherStateFormat(stateFormat)) }
            guard factsFormat == SampleFactsCodec.formatVersion else { return .failure(.otherStateFormat(factsFormat)) }
            guard snapshotPosition <= position else { return .success(nil) }
            guard let event = try? log.read(from: snapshotPosition, limit: 1).first, event.position == snapshotPosition,
                event.streamID == StreamNames.dataset(dataset), event.streamVersion == version, event.eventID == eventID
            else { return .failure(.notInThisLog) }
            // The two parts decode side by side: together they are most of a big dataset's load.
            nonisolated(unsafe) var state: DatasetState?
            nonisolated(unsafe) var decodedFacts: [SampleID: SampleFacts]? = facts ? nil : [:]
            nonisolated(unsafe) let stateBytes = UnsafeRawBufferPointer(rebasing: bytes[stateStart..<stateEnd])
            nonisolated(unsafe) let factsBytes = UnsafeRawBufferPointer(rebasing: bytes[factsStart..<(bytes.count - 4)])
            DispatchQueue.concurrentPerform(iterations: facts ? 2 : 1) { part in
                if part == 0 {
                    state = try? DatasetSnapshotCodec.decode(Data(stateBytes))
                } else {
                    decodedFacts = try? SampleFactsCodec.decode(factsBytes)
                }
            }
            guard let state, state.version == version, let decodedFacts,
                !facts || decodedFacts.count == state.samples.count
            else { return .failure(.damaged) }
            let dataset = DatasetAtPosition(
                state: state, asOfPosition: snapshotPosition, position: snapshotPosition,
                lastEventAt: recordedAt == .min ? nil : Date(timeIntervalSince1970: Double(recordedAt) / 1_000_000),
                facts: decodedFacts, units: units)
            return .success(DatasetSnapshot(dataset: dataset, eventID: eventID))
        }
    }

    // MARK: - Saving

    private static let replacing = Mutex(())

    /// Writes a snapshot atomically (temporary file, fsync, rename, fsync of the directory),
    /// then keeps at most ``keep`` files of the dataset. Does nothing when a snapshot of that
    /// version exists.
    public func save(_ snapshot: DatasetSnapshot, of dataset: DatasetID) throws {
        let folder = folder(for: dataset)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = url(for: dataset, version: snapshot.version)
        if FileManager.default.fileExists(atPath: target.path) { return }
        let state = DatasetSnapshotCodec.encode(snapshot.state)
        let facts = SampleFactsCodec.encode(snapshot.dataset.facts)
        var bytes = Self.magic
        bytes.reserveCapacity(Self.headerSize + state.count + facts.count + 12)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(DatasetSnapshotCodec.stateFormatVersion)
        append(SampleFactsCodec.formatVersion)
        append(snapshot.version)
        append(snapshot.position)
        withUnsafeBytes(of: snapshot.eventID.uuid) { bytes.append(contentsOf: $0) }
        append(snapshot.dataset.units)
        // Rounded to the log's microseconds, so that the date read back is the log's own.
        append(snapshot.dataset.lastEventAt.map { Int64(($0.timeIntervalSince1970 * 1_000_000).rounded()) } ?? .min)
        append(UInt64(state.count))
        bytes.append(contentsOf: state)
        append(UInt64(facts.count))
        bytes.append(contentsOf: facts)
        append(CRC32C.checksum(bytes))
        let temporary = folder.appendingPathComponent(".tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let fd = open(temporary.path, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        let renamed = Self.replacing.withLock { _ -> Bool in rename(temporary.path, target.path) == 0 }
        guard renamed else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
        }
        let dir = open(folder.path, O_RDONLY | O_DIRECTORY)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
        unlink(legacyURL(for: dataset).path)
        Self.replacing.withLock { _ in thin(dataset) }
    }

    /// The units recorded in a snapshot file's header, or nil.
    static func storedUnits(at url: URL) -> UInt64? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 56), header.count == 56, Array(header.prefix(8)) == magic else { return nil }
        return header[48..<56].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    /// Removes files beyond ``keep``: each time the older file whose removal leaves the
    /// smallest gap in units between its neighbours (the newest stays).
    private func thin(_ dataset: DatasetID) {
        var files = versions(of: dataset).reversed().map { version in
            (url: url(for: dataset, version: version), units: Self.storedUnits(at: url(for: dataset, version: version)) ?? 0)
        }
        while files.count > keep {
            // Candidates: every file but the newest; the oldest's gap is from the stream's start.
            var best = 0
            var bestGap = UInt64.max
            for i in 0..<(files.count - 1) {
                let before = i == 0 ? 0 : files[i - 1].units
                let gap = files[i + 1].units &- before
                if gap < bestGap {
                    bestGap = gap
                    best = i
                }
            }
            unlink(files[best].url.path)
            files.remove(at: best)
        }
    }
}
