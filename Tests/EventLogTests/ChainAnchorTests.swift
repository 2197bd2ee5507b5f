import Foundation
import Testing
import TestSupport
@testable import EventLog

/// A log opens only when it is whole: every segment's frames, checksums and hash-chain
/// links, and the head anchored outside the segments (in the stream index). Damage in an
/// older segment, a missing segment, an edit with recomputed checksums, an edited last
/// frame and an edit with every later frame re-hashed are all refused, naming the position;
/// a log that merely extends past its anchor (a crash before the index write) is not.
@Suite struct ChainAnchorTests {
    typealias Fixture = CorruptionTests.Fixture

    /// The corruption `body` throws (nil, with an issue recorded, for anything else or nothing).
    private func corruption(_ body: () throws -> Void) -> (segment: String, position: UInt64, reason: String)? {
        do {
            try body()
            Issue.record("no error was thrown")
        } catch {
            if case let .corruption(segment, _, position, reason)? = error as? LogError { return (segment, position, reason) }
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    private func refusal(_ fixture: Fixture) -> (segment: String, position: UInt64, reason: String)? {
        corruption { _ = try EventLog.openForTest(fixture.dir) }
    }

    @Test func a_flipped_byte_in_any_sealed_segment_refuses_the_open_naming_its_position() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        var generator = SeededGenerator(seed: 21)
        for segment in fixture.segments.dropLast() {
            for _ in 0..<25 {
                let offset = Int.random(in: 0..<segment.bytes.count, using: &generator)
                var damaged = segment.bytes
                damaged[offset] ^= 0x04
                try fixture.write(damaged, to: segment.name)
                let expected = fixture.position(segment: segment.first, offset: offset)
                let refused = refusal(fixture)
                #expect(refused?.segment == segment.name, "flip at \(segment.name)+\(offset)")
                #expect(refused?.position == expected, "flip at \(segment.name)+\(offset): \(String(describing: refused))")
            }
            try fixture.write(segment.bytes, to: segment.name)
        }
        #expect(try EventLog.openForTest(fixture.dir).head == 14)
    }

    @Test func a_missing_older_segment_refuses_the_open_naming_its_first_position() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        for segment in fixture.segments.dropLast() {
            try FileManager.default.removeItem(at: fixture.dir.file(segment.name))
            let refused = refusal(fixture)
            #expect(refused?.position == segment.first, "without \(segment.name): \(String(describing: refused))")
            try fixture.write(segment.bytes, to: segment.name)
        }
    }

    @Test func an_edited_payload_with_recomputed_checksums_in_a_sealed_segment_breaks_the_chain_at_the_next_frame() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        let sealed = fixture.frames.first { $0.segment == fixture.segments[0].first }!
        let edited = try LogTamper.editPayload(at: sealed.firstPosition, in: fixture.dir.path, to: Data("forged".utf8), rehashLater: false)
        let refused = try #require(refusal(fixture))
        #expect(refused.position == edited + 1)
        #expect(refused.reason.contains("hash chain broken"))
        #expect(try EventLog.verify(directory: fixture.dir.url).problem?.position == edited + 1)
    }

    @Test func an_edited_last_frame_contradicts_the_anchor() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        try LogTamper.editPayload(at: 14, in: fixture.dir.path, to: Data("forged".utf8), rehashLater: false)
        let report = try EventLog.verify(directory: fixture.dir.url)
        #expect(report.problem?.kind == .corruption)
        #expect(report.problem?.position == 14)
        #expect(report.problem?.reason.contains("anchored in index.sqlite") == true)
        let refused = try #require(refusal(fixture))
        #expect(refused.position == 14)
        #expect(refused.segment == fixture.segments.last!.name)
    }

    @Test(arguments: [2, 7, 13] as [UInt64])
    func an_edit_with_every_later_frame_rehashed_contradicts_the_anchor(position: UInt64) async throws {
        let fixture = try await Fixture.make("rehash\(position)")
        defer { fixture.dir.cleanup() }
        try LogTamper.editPayload(at: position, in: fixture.dir.path, to: Data("forged".utf8), rehashLater: true)
        let report = try EventLog.verify(directory: fixture.dir.url)
        #expect(report.problem?.kind == .corruption)
        #expect(report.problem?.position == 14, "\(String(describing: report.problem))")
        let refused = try #require(refusal(fixture))
        #expect(refused.position == 14)
        #expect(refused.reason.contains("anchored in index.sqlite"))
    }

    @Test func a_log_that_extends_past_its_anchor_opens_and_verifies_clean() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        // The index as a crash between the syncs of three more appends and their index writes leaves it.
        let indexFiles = ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"]
        let saved = indexFiles.map { try? Data(contentsOf: fixture.dir.file($0)) }
        do {
            let log = try EventLog.openForTest(fixture.dir, segmentSizeLimit: 700)
            for i in 0..<3 { try await log.append(stream: "s9", events: [event("after the anchor \(i)")]) }
            await log.close()
        }
        for (name, data) in zip(indexFiles, saved) {
            try? FileManager.default.removeItem(at: fixture.dir.file(name))
            if let data { try data.write(to: fixture.dir.file(name)) }
        }
        #expect(try StreamIndex.readAnchor(path: fixture.dir.path + "/index.sqlite")?.headPosition == 14)
        #expect(try EventLog.verify(directory: fixture.dir.url).isClean)
        let log = try EventLog.openForTest(fixture.dir)
        #expect(log.head == 17)
        #expect(log.recovery.indexCaughtUpEvents == 3)
        #expect(try log.verify().isClean)
        #expect(try log.read(from: 1).count == 17)
    }

    @Test func reads_check_the_chain_and_the_anchor_of_what_they_read() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        let log = try EventLog.openForTest(fixture.dir)
        #expect(try log.read(from: 1).count == 14)
        // Changed under the open log: an older frame (the next link breaks), then the last (the anchor).
        let edited = try LogTamper.editPayload(at: 3, in: fixture.dir.path, to: Data("forged".utf8), rehashLater: false)
        let broken = corruption { _ = try log.read(from: 1) }
        #expect(broken?.position == edited + 1)
        #expect(broken?.reason.contains("hash chain broken") == true)
        for segment in fixture.segments { try fixture.write(segment.bytes, to: segment.name) }
        try LogTamper.editPayload(at: 14, in: fixture.dir.path, to: Data("forged".utf8), rehashLater: false)
        let unanchored = corruption { _ = try log.read(from: 1) }
        #expect(unanchored?.position == 14)
        #expect(unanchored?.reason.contains("anchored in index.sqlite") == true)
        await log.close()
    }

    @Test func a_read_only_open_reads_the_log_and_writes_nothing() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.dir.cleanup() }
        let before = try DirectorySnapshot(fixture.dir.url)
        #expect(try EventLog.verify(directory: fixture.dir.url).isClean)
        let log = try EventLog.openReadOnly(directory: fixture.dir.url)
        #expect(log.head == 14)
        #expect(try log.read(from: 1).map(\.position) == Array(1...14))
        await #expect(throws: LogError.readOnly(path: fixture.dir.path)) {
            try await log.append(stream: "s0", events: [event("refused")])
        }
        await log.close()
        #expect(try DirectorySnapshot(fixture.dir.url) == before)
    }
}
