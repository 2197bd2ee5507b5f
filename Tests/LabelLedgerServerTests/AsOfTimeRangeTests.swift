import Foundation
import Hummingbird
import Testing
@testable import LabelLedgerServer

/// `as_of_time` in a year beyond 64 bits of microseconds (`20002000000000000000000026-11-24`)
/// answers as of the head, as any time after the last event does; before, converting it to
/// the log's microseconds trapped and took the whole server down. Found by Fuzz/FuzzHTTPQuery
/// (input `Fuzz/FuzzHTTPQuery/regressions/as-of-time-beyond-int64-micros`: byte 0 picks the
/// stats route, the rest is the query string).
@Suite struct AsOfTimeRangeTests {
    @Test func the_input_the_fuzzer_found_answers_as_of_the_head() async throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/FuzzHTTPQuery/regressions/as-of-time-beyond-int64-micros").standardized
        let query = String(decoding: try Data(contentsOf: url).dropFirst(), as: UTF8.self)
        #expect(query.hasPrefix("as_of_time=2000200000"))
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 2)
            let stats = dataset + "/data-annotations/stats"
            let far = try await client.call(.get, stats + "?" + query, token: fixture.labeler)
            #expect(far.status == .ok, "\(far.text)")
            let now = try await client.call(.get, stats, token: fixture.labeler)
            #expect(far.json["sample_stats"] as? NSDictionary == now.json["sample_stats"] as? NSDictionary, "\(far.text)")
            let samples = try await client.call(.get, dataset + "/data-annotations/samples?" + query, token: fixture.labeler)
            #expect(samples.status == .ok, "\(samples.text)")
            #expect((samples.json["samples"] as? [Any])?.count == 2, "\(samples.text)")
        }
    }
}
