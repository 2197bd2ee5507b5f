import Foundation
import Testing
import TestSupport
@testable import EventLog

/// What a read-only open (``EventLog/openReadOnly(directory:)``, the reader beside a running
/// writer) makes of the end of the log: frames the writer is still writing, and a segment
/// whose header it is still writing, are the end; a whole frame that fails its checksum is
/// corruption. Nothing is written either way.
@Suite struct ReadOnlyTailTests {
    typealias Fixture = CorruptionTests.Fixture

    /// The fixture's log with one more event (position 15) whose frame is cut to `keptBytes`,
    /// or, with `flip`, kept whole with one payload byte changed; the index as before it.
    private func grow(_ fixture: Fixture, keptBytes: Int? = nil, flip: Bool = false) async throws {
        let grown = try await fixture.appendUnindexed(event("being written by the live writer"))
        var bytes = grown.bytes
        if let keptBytes { bytes = Array(bytes[..<(grown.oldLength + keptBytes)]) }
        if flip { bytes[bytes.count - 3] ^= 0x40 }
        try fixture.write(bytes, to: grown.segment)
    }

    /// Opens the log read-only and expects positions 1…14 and no change to the directory.
    private func expectReadOnlyEndsAt14(_ fixture: Fixture) throws {
        let before = try DirectorySnapshot(fixture.dir.url)
        let log = try EventLog.openReadOnly(directory: fixture.dir.url)
        #expect(log.head == 14)
        #expect(try log.read(from: 1).map(\.position) == Array(1...14))
        #expect(try DirectorySnapshot(fixture.dir.url) == before)
    }

    @Test(arguments: [1, 30, 95])
    func a_frame_still_being_written_is_the_end_of_the_log(keptBytes: Int) async throws {
        let fixture = try await Fixture.make("readOnlyTorn\(keptBytes)")
        defer { fixture.dir.cleanup() }
        try await grow(fixture, keptBytes: keptBytes)
        try expectReadOnlyEndsAt14(fixture)
    }

    @Test func a_segment_whose_header_is_still_being_written_is_the_end_of_the_log() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        let next = SegmentFile.fileName(firstPosition: 15)
        let header = SegmentHeader(firstPosition: 15, previousFrameHash: BatchFrame.zeroHash).encoded()
        try fixture.write(Array(header.prefix(SegmentHeader.size / 2)), to: next)
        try expectReadOnlyEndsAt14(fixture)
    }

    @Test func a_whole_final_frame_with_a_bad_checksum_is_corruption() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        try await grow(fixture, flip: true)
        do {
            _ = try EventLog.openReadOnly(directory: fixture.dir.url)
            Issue.record("a read-only open accepted a whole frame with a bad checksum")
        } catch let LogError.corruption(_, _, position, _) {
            #expect(position == 15)
        }
    }
}

extension CorruptionTests.Fixture {
    /// Appends `event` (position 15) and puts the stream index back as it was before it, as a
    /// crash between the write and the index update leaves it (a torn write is never indexed).
    /// Returns the segment that grew, its bytes now, and its length before.
    func appendUnindexed(_ event: ProposedEvent) async throws -> (segment: String, bytes: [UInt8], oldLength: Int) {
        let indexFiles = ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"]
        let savedIndex = indexFiles.map { try? Data(contentsOf: dir.url.appendingPathComponent($0)) }
        do {
            let log = try EventLog.openForTest(dir, segmentSizeLimit: 700)
            try await log.append(stream: "s0", events: [event])
            await log.close()
        }
        for (name, data) in zip(indexFiles, savedIndex) {
            let url = dir.url.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: url)
            if let data { try data.write(to: url) }
        }
        let segments = try SegmentFile.list(directory: dir.path)
        let grown = SegmentFile.fileName(firstPosition: segments.last!)
        let bytes = Array(try Data(contentsOf: dir.url.appendingPathComponent(grown)))
        return (grown, bytes, self.segments.first { $0.name == grown }?.bytes.count ?? SegmentHeader.size)
    }
}
