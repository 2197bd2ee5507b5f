import Foundation

/// The outcome of checking a whole log.
public struct VerificationReport: Sendable, Equatable {
    public enum ProblemKind: String, Sendable {
        /// Bytes that fail a check: data that was written and acknowledged is damaged.
        case corruption
        /// An incomplete write at the end of the last segment; it was never acknowledged
        /// and the next writable open cuts it.
        case tornTail
        /// The log ends before positions its index has seen: acknowledged events are gone.
        case missingEvents
    }

    /// The first problem found, in log order.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var kind: ProblemKind
        public var segment: String
        public var offset: UInt64
        /// The first position affected.
        public var position: UInt64
        public var reason: String
        public var description: String {
            "\(kind.rawValue) at position \(position) (segment \(segment), byte offset \(offset)): \(reason)"
        }

        public init(kind: ProblemKind, segment: String, offset: UInt64, position: UInt64, reason: String) {
            self.kind = kind
            self.segment = segment
            self.offset = offset
            self.position = position
            self.reason = reason
        }
    }

    public var segments = 0
    public var frames = 0
    public var events: UInt64 = 0
    /// The last position that passed every check.
    public var verifiedHead: UInt64 = 0
    public var problem: Problem?
    public var isClean: Bool { problem == nil }

    /// An empty report (another engine's ``EventStore/verify()`` fills it in).
    public init() {}
}

/// Checks every segment header, frame checksum, record, position and link of the hash
/// chain, and the chain's anchor, reading only (safe beside a running writer when
/// bounded by its head).
///
/// The anchor is the head the stream index recorded after its last durable commit group
/// (position and SHA-256 of that group's last frame): the frame ending at that position
/// must hash to it. A log may extend past its anchor (the process stopped between a sync
/// and the index write), never end before it, and no commit group may straddle it. The
/// anchor catches what the chain alone cannot: an edited last frame, or an edit with every
/// later frame re-hashed.
enum LogVerifier {
    /// - Parameters:
    ///   - limit: stop after the commit group that reaches this position (nil: every segment to its end).
    ///   - anchor: the head recorded outside the segments, when there is one.
    ///   - decodeRecords: also decompress and decode every record (the open-time check skips it:
    ///     the CRCs and the chain already pin every byte).
    static func verify(
        directory: String, upTo limit: UInt64?, anchor: StreamIndex.Meta?, decodeRecords: Bool = true
    ) throws(LogError) -> VerificationReport {
        var report = VerificationReport()
        let segments = try SegmentFile.list(directory: directory)
        var expected: UInt64 = 1
        var previousHash = BatchFrame.zeroHash
        var anchorChecked = anchor.map { $0.headPosition == 0 } ?? true
        func fail(_ kind: VerificationReport.ProblemKind, _ segment: String, _ offset: UInt64, _ reason: String) {
            report.problem = .init(kind: kind, segment: segment, offset: offset, position: expected, reason: reason)
        }
        segmentLoop: for (index, first) in segments.enumerated() {
            if let limit, expected > limit { break }
            let isLast = index == segments.count - 1
            let file = try SegmentFile(directory: directory, firstPosition: first, writable: false)
            report.segments += 1
            let raw = try file.read(at: 0, count: SegmentHeader.size)
            guard case let .success(header) = raw.withUnsafeBytes({ SegmentHeader.decode($0) }) else {
                fail(raw.count < SegmentHeader.size && isLast ? .tornTail : .corruption, file.name, 0, "bad segment header")
                return report
            }
            guard header.firstPosition == first, first == expected else {
                fail(.corruption, file.name, 0, "segment starts at position \(header.firstPosition) (name: \(first)), expected \(expected)")
                return report
            }
            guard header.previousFrameHash == previousHash else {
                fail(.corruption, file.name, 24, "hash chain broken at the segment header")
                return report
            }
            let scanner = try FrameScanner(file: file)
            var offset = UInt64(SegmentHeader.size)
            var groupStart: (offset: UInt64, position: UInt64)?
            while true {
                if let limit, expected > limit, groupStart == nil { break segmentLoop }
                switch try scanner.slot(at: offset) {
                case let .frame(frameHeader, bytes):
                    guard frameHeader.firstPosition == expected else {
                        fail(.corruption, file.name, offset, "frame starts at position \(frameHeader.firstPosition), expected \(expected)")
                        return report
                    }
                    guard frameHeader.previousFrameHash == previousHash else {
                        fail(.corruption, file.name, offset, "hash chain broken: the frame does not name the SHA-256 of the frame before it")
                        return report
                    }
                    if decodeRecords {
                        let frame = WalkedFrame(segment: first, segmentName: file.name, offset: offset, header: frameHeader, bytes: bytes)
                        do throws(LogError) {
                            _ = try frame.records()
                        } catch {
                            fail(.corruption, file.name, offset, error.message)
                            return report
                        }
                    }
                    let hash = BatchFrame.sha256(bytes)
                    if let anchor, !anchorChecked, frameHeader.lastPosition >= anchor.headPosition {
                        anchorChecked = true
                        if let reason = anchorMismatch(anchor, frameHeader, hash) {
                            fail(.corruption, file.name, offset, reason)
                            return report
                        }
                    }
                    if groupStart == nil { groupStart = (offset, expected) }
                    previousHash = hash
                    offset += UInt64(bytes.count)
                    expected += UInt64(frameHeader.eventCount)
                    report.frames += 1
                    if !frameHeader.isContinued {
                        groupStart = nil
                        report.events = expected - 1
                        report.verifiedHead = expected - 1
                    }
                case .end:
                    if let start = groupStart {
                        expected = start.position
                        fail(isLast ? .tornTail : .corruption, file.name, start.offset, "the last commit group has no final frame")
                        return report
                    }
                    continue segmentLoop
                case let .torn(reason):
                    if let start = groupStart { expected = start.position; offset = start.offset }
                    fail(isLast ? .tornTail : .corruption, file.name, offset, reason)
                    return report
                case let .corrupt(reason):
                    fail(.corruption, file.name, offset, reason)
                    return report
                }
            }
        }
        if let anchor, !anchorChecked, limit.map({ anchor.headPosition <= $0 }) ?? true {
            report.problem = .init(
                kind: .missingEvents, segment: segments.last.map { SegmentFile.fileName(firstPosition: $0) } ?? "(none)",
                offset: 0, position: report.verifiedHead + 1,
                reason: "the log ends at position \(report.verifiedHead) but its index has seen position \(anchor.headPosition)")
        }
        return report
    }

    /// Why the frame that reaches the anchored position contradicts the anchor, or nil
    /// when it is the very frame the anchor names.
    static func anchorMismatch(_ anchor: StreamIndex.Meta, _ header: FrameHeader, _ hash: [UInt8]) -> String? {
        guard header.lastPosition == anchor.headPosition, !header.isContinued else {
            return "the frame holding positions \(header.firstPosition)...\(header.lastPosition) straddles the head "
                + "anchored in index.sqlite (position \(anchor.headPosition)): no commit group ends there"
        }
        guard hash == anchor.headHash else {
            return "the frame ending at position \(anchor.headPosition) does not hash to the head anchored in index.sqlite: "
                + "it, or an earlier frame together with every frame after it, was changed after it was written"
        }
        return nil
    }
}

extension EventLog {
    /// Checks every durable frame of this open log: checksums, records, positions, the
    /// whole hash chain and its anchor. Reports the first bad position; never modifies anything.
    public func verify() throws(LogError) -> VerificationReport {
        try LogVerifier.verify(directory: path, upTo: head, anchor: index.meta())
    }

    /// Checks a log directory without opening it for writing (no lock taken, no file
    /// created or changed): every segment to its end, the head anchored in `index.sqlite`,
    /// and whether the index has seen positions the log lacks.
    public static func verify(directory: URL) throws(LogError) -> VerificationReport {
        let anchor = try StreamIndex.readAnchor(path: directory.path + "/index.sqlite")
        return try LogVerifier.verify(directory: directory.path, upTo: nil, anchor: anchor)
    }
}
