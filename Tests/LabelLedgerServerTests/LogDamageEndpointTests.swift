import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

/// Damage to the log found while serving answers 503 with the log's code — never 500:
/// the storage is unavailable, no request is at fault. (Damage present at start is refused
/// before the server listens: see EventLogTests' LogCommandTests.)
@Suite struct LogDamageEndpointTests {
    /// Flips a payload byte of the frame holding `position` in the first segment of `log`.
    static func damageFrame(holding position: UInt64, in log: URL) throws {
        let url = log.appendingPathComponent("00000000000000000001.seg")
        var bytes = Array(try Data(contentsOf: url))
        func read<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
            bytes[offset..<(offset + MemoryLayout<T>.size)].reversed().reduce(T(0)) { $0 << 8 | T($1) }
        }
        var offset = 64
        while offset < bytes.count {
            let first = read(UInt64.self, at: offset + 8)
            let count = UInt64(read(UInt32.self, at: offset + 16))
            let length = 80 + Int(read(UInt32.self, at: offset + 24))
            if (first..<(first + count)).contains(position) {
                bytes[offset + 80 + 2] ^= 0x40
                try Data(bytes).write(to: url)
                return
            }
            offset += length
        }
        Issue.record("no frame holds position \(position)")
    }

    @Test func a_frame_damaged_while_serving_answers_503_with_the_log_code() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 2)
            let before = fixture.runtime.log.head
            _ = try await client.addSamples(dataset, count: 3, prefix: "later")
            try Self.damageFrame(holding: before, in: fixture.root.appendingPathComponent("log"))
            let reply = try await client.call(.get, dataset + "?as_of_position=\(before)", token: fixture.labeler)
            #expect(reply.status == .serviceUnavailable, "\(reply.text)")
            #expect(reply.errorCode == "LabelLedger.Log.101" || reply.errorCode == "LabelLedger.Projection.002", "\(reply.text)")
            #expect(reply.errorMessage?.contains("position \(before)") == true, "\(reply.text)")
        }
    }
}
