import Foundation
import Testing
import TestSupport
@testable import EventLog

/// A flipped byte anywhere and a truncation anywhere are always detected, and the
/// report names the first position they affect.
@Suite struct CorruptionTests {
    /// A small log over several segments, one event per frame, and a map from each
    /// byte of each segment file to the position a problem there must be reported at.
    struct Fixture {
        let dir: TemporaryDirectory
        let segments: [(name: String, first: UInt64, bytes: [UInt8])]
        let frames: [FrameLocation]

        static func make(_ name: String = #function) async throws -> Fixture {
            let dir = TemporaryDirectory(name)
            let log = try EventLog.openForTest(dir, segmentSizeLimit: 700)
            var generator = SeededGenerator(seed: 2026)
            for i in 0..<14 {
                let length = Int.random(in: 10...120, using: &generator)
                let body = String((0..<length).map { _ in Character(UnicodeScalar(UInt8.random(in: 97...122, using: &generator))) })
                try await log.append(stream: "s\(i % 3)", events: [event(body)])
            }
            await log.close()
            let frames = try indexedFrames(dir)
            let segments = try SegmentFile.list(directory: dir.path).map { first in
                let name = SegmentFile.fileName(firstPosition: first)
                return (name, first, Array(try Data(contentsOf: dir.url.appendingPathComponent(name))))
            }
            return Fixture(dir: dir, segments: segments, frames: frames)
        }

        /// The position a problem at `offset` of segment `first` affects: the frame
        /// holding that byte, or the segment's first position for its header.
        func position(segment first: UInt64, offset: Int) -> UInt64 {
            if offset < SegmentHeader.size { return first }
            let frame = frames.first { $0.segment == first && UInt64(offset) >= $0.offset && UInt64(offset) < $0.offset + $0.length }
            return frame?.firstPosition ?? (frames.last { $0.segment == first }.map { $0.lastPosition + 1 } ?? first)
        }

        /// Replaces the segment file `name` with `bytes`, unsynced (``UnsyncedFile``): the
        /// tests below write a damaged copy per byte of every segment.
        func write(_ bytes: [UInt8], to name: String) throws {
            try UnsyncedFile.write(Data(bytes), to: dir.url.appendingPathComponent(name))
        }
    }

    @Test func every_flipped_byte_is_reported_as_corruption_at_its_frame() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        #expect(fixture.segments.count >= 3)
        #expect(try EventLog.verify(directory: fixture.dir.url).isClean)
        // Thousands of writes and verifications: on a thread of their own, not the pool's.
        let misses = try await Blocking.run {
            var misses: [String] = []
            for segment in fixture.segments {
                for offset in 0..<segment.bytes.count {
                    var damaged = segment.bytes
                    damaged[offset] ^= 0x20
                    try fixture.write(damaged, to: segment.name)
                    let report = try EventLog.verify(directory: fixture.dir.url)
                    let expected = fixture.position(segment: segment.first, offset: offset)
                    if report.problem?.kind != .corruption || report.problem?.position != expected {
                        misses.append("flip at \(segment.name)+\(offset): \(String(describing: report.problem)), expected corruption at \(expected)")
                    }
                }
                try fixture.write(segment.bytes, to: segment.name)
            }
            return misses
        }
        #expect(misses.isEmpty, "\(misses.count) flips misreported, first: \(misses.prefix(5))")
    }

    @Test func every_truncation_is_reported_at_the_first_position_it_removes() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        // Thousands of writes and verifications: on a thread of their own, not the pool's.
        let misses = try await Blocking.run {
            var misses: [String] = []
            for (index, segment) in fixture.segments.enumerated() {
                let isLast = index == fixture.segments.count - 1
                for length in 0..<segment.bytes.count {
                    try fixture.write(Array(segment.bytes[..<length]), to: segment.name)
                    let report = try EventLog.verify(directory: fixture.dir.url)
                    let expected = fixture.position(segment: segment.first, offset: length)
                    guard let problem = report.problem else {
                        misses.append("truncation of \(segment.name) to \(length) bytes went unnoticed")
                        continue
                    }
                    if problem.position != expected || (!isLast && problem.kind != .corruption) {
                        misses.append("truncation of \(segment.name) to \(length): \(problem), expected position \(expected)")
                    }
                }
                try fixture.write(segment.bytes, to: segment.name)
            }
            return misses
        }
        #expect(misses.isEmpty, "\(misses.count) truncations misreported, first: \(misses.prefix(5))")
    }

    @Test func a_writable_open_refuses_corruption_in_the_last_segment_naming_file_offset_and_position() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        let last = fixture.segments.last!
        // Sixty writable opens (each recovers and checks the log): off the pool.
        let misses = try await Blocking.run {
            var misses: [String] = []
            var generator = SeededGenerator(seed: 99)
            for _ in 0..<60 {
                let offset = Int.random(in: 0..<last.bytes.count, using: &generator)
                var damaged = last.bytes
                damaged[offset] ^= 0x01
                try fixture.write(damaged, to: last.name)
                let expected = fixture.position(segment: last.first, offset: offset)
                do {
                    _ = try EventLog.openForTest(fixture.dir)
                    misses.append("open accepted a flipped byte at \(last.name)+\(offset)")
                } catch let LogError.corruption(segment, reportedOffset, position, _) {
                    if segment != last.name || position != expected || reportedOffset > UInt64(offset) {
                        misses.append("flip at +\(offset): reported \(segment)+\(reportedOffset) position \(position), expected position \(expected)")
                    }
                } catch {
                    misses.append("flip at +\(offset): unexpected error \(error)")
                }
            }
            return misses
        }
        #expect(misses.isEmpty, "\(misses)")
        try fixture.write(last.bytes, to: last.name)
        #expect(try EventLog.openForTest(fixture.dir).head == 14)
    }

    @Test(arguments: [30, 95])
    func a_writable_open_cuts_a_torn_tail_and_reports_the_first_lost_position(keptBytes: Int) async throws {
        let fixture = try await Fixture.make("torn\(keptBytes)")
        defer { fixture.dir.cleanup() }
        // Keep only the first `keptBytes` of the new frame, wherever it landed.
        let (grown, grownBytes, oldLength) = try await fixture.appendUnindexed(event("this write will be torn by a crash"))
        try fixture.write(Array(grownBytes[..<(oldLength + keptBytes)]), to: grown)
        let log = try EventLog.openForTest(fixture.dir)
        #expect(log.head == 14)
        #expect(log.recovery.firstTruncatedPosition == 15)
        #expect(log.recovery.truncatedBytes == UInt64(keptBytes))
        #expect(log.recovery.truncatedSegment == grown)
        let result = try await log.append(stream: "s0", events: [event("after the crash")])
        #expect(result.firstPosition == 15)
        #expect(try log.verify().isClean)
    }

    @Test func a_log_cut_at_a_frame_boundary_is_refused_because_its_index_saw_more() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        let last = fixture.segments.last!
        let lastFrame = fixture.frames.last!
        try fixture.write(Array(last.bytes[..<Int(lastFrame.offset)]), to: last.name)
        #expect(throws: LogError.missingAcknowledgedEvents(logHead: lastFrame.firstPosition - 1, indexedHead: lastFrame.lastPosition)) {
            try EventLog.openForTest(fixture.dir)
        }
    }

    @Test func a_sealed_segment_cut_short_refuses_the_open() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        let sealed = fixture.segments[0]
        try fixture.write(Array(sealed.bytes.dropLast(5)), to: sealed.name)
        #expect(throws: LogError.self) { try EventLog.openForTest(fixture.dir) }
    }

    @Test func an_incomplete_multi_frame_commit_group_is_cut_whole() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        do {
            let log = try EventLog.openForTest(dir)
            try await log.append(stream: "s", events: [event("first")])
            // ~2.4 MiB of incompressible-ish events: one commit group over three frames.
            var generator = SeededGenerator(seed: 5)
            let big = (0..<600).map { _ in
                ProposedEvent(type: "Big", payload: Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }), actor: "t")
            }
            try await log.append(stream: "s", events: big)
            await log.close()
        }
        let frames = try indexedFrames(dir)
        #expect(frames.count >= 4)
        let name = SegmentFile.fileName(firstPosition: 1)
        let bytes = Array(try Data(contentsOf: dir.url.appendingPathComponent(name)))
        // Keep the group's first two frames whole: every frame intact, the group incomplete.
        try Data(bytes[..<Int(frames[2].offset + frames[2].length)]).write(to: dir.url.appendingPathComponent(name))
        let report = try EventLog.verify(directory: dir.url)
        #expect(report.problem?.kind == .tornTail)
        #expect(report.problem?.position == 2)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dir.path + "/index.sqlite" + suffix) }
        let log = try EventLog.openForTest(dir)
        #expect(log.head == 1)
        #expect(log.recovery.firstTruncatedPosition == 2)
        #expect(log.recovery.truncationReason == "the last commit group has no final frame")
    }
}
