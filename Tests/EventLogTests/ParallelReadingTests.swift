import Foundation
import Testing
import TestSupport
@testable import EventLog

/// `readFrames` decodes frames on several threads and hands them over in log order, with
/// the same checks as a sequential read.
@Suite struct ParallelReadingTests {
    private func makeLog(_ dir: TemporaryDirectory) async throws -> EventLog {
        let log = try EventLog.openForTest(dir, segmentSizeLimit: 4_000)
        var generator = SeededGenerator(seed: 23)
        for group in 0..<60 {
            let count = Int.random(in: 1...9, using: &generator)
            try await log.append(stream: "s\(group % 4)", events: (0..<count).map { event("g\(group)-\($0)") })
        }
        return log
    }

    @Test func every_event_arrives_once_in_order_as_a_sequential_read_gives_it() async throws {
        let dir = TemporaryDirectory()
        let log = try await makeLog(dir)
        let expected = try await log.allEvents()
        for (from, through) in [(UInt64(1), UInt64?.none), (37, nil), (5, 200), (UInt64(expected.count), nil)] {
            var got: [RecordedEvent] = []
            try log.readFrames(from: from, through: through, concurrency: 4, decode: { $0 }) { got += $0 }
            let want = expected.filter { $0.position >= from && $0.position <= (through ?? .max) }
            #expect(got == want, "from \(from) through \(String(describing: through))")
        }
        await log.close()
    }

    @Test func a_damaged_frame_throws_after_the_frames_before_it_and_nothing_after() async throws {
        let dir = TemporaryDirectory()
        let log = try await makeLog(dir)
        await log.close()
        let frames = try indexedFrames(dir)
        let victim = frames[frames.count / 2]
        // Opened while whole (an open checks the chain), damaged afterwards: a bad disk under a reader.
        let reader = try EventLog.openReadOnly(directory: dir.url)
        let path = dir.path + "/" + SegmentFile.fileName(firstPosition: victim.segment)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[Int(victim.offset) + FrameHeader.size + 2] ^= 0x5A
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var last: UInt64 = 0
        #expect {
            try reader.readFrames(concurrency: 4, decode: { $0 }) { last = $0.last?.position ?? last }
        } throws: { error in
            guard case let .corruption(_, _, position, _) = error as? LogError else { return false }
            return position == victim.firstPosition
        }
        #expect(last == victim.firstPosition - 1)
    }

    @Test func an_error_thrown_by_decode_reaches_the_caller_in_order() async throws {
        struct Refused: Error {}
        let dir = TemporaryDirectory()
        let log = try await makeLog(dir)
        var consumed: UInt64 = 0
        #expect(throws: Refused.self) {
            try log.readFrames(concurrency: 3, decode: { events in
                if events.contains(where: { $0.position == 100 }) { throw Refused() }
                return events
            }) { consumed = $0.last?.position ?? consumed }
        }
        let frame = try #require(try log.index.frame(containing: 100))
        #expect(consumed == frame.firstPosition - 1)
        await log.close()
    }
}
