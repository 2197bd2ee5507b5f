import EventLog
import Foundation
import Hummingbird
import LabelingService
import Testing
import TestSupport
@testable import LabelLedgerServer

/// Requests too large to be one command are refused up front with a 4xx and a code, and
/// nothing is appended; `source` files are bounded and never read whole.
@Suite struct RequestLimitTests {
    @Test func a_20_MiB_description_is_refused_and_nothing_is_appended() async throws {
        try await ServerFixture.run(maxBodyBytes: 32 << 20) { fixture, client in
            let head = fixture.runtime.log.head
            let reply = try await client.call(.post, "/v2/demo/datasets", token: fixture.admin, json: [
                "dataset_name": "big", "dataset_type": 0, "description": String(repeating: "d", count: 20 << 20),
            ])
            expectError(reply, .badRequest, "LabelLedger.1160")
            #expect(fixture.runtime.log.head == head)
        }
    }

    @Test func more_samples_than_one_request_may_name_get_413_before_any_is_looked_at() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            let head = fixture.runtime.log.head
            let limit = fixture.runtime.configuration.maxSamplesPerRequest
            let adds: [[String: Any]] = (0...limit).map { ["name": "n\($0).png", "data": "eA=="] }
            expectError(
                try await client.call(.post, dataset + "/data-annotations/samples", token: fixture.admin, json: ["samples": adds]),
                .contentTooLarge, "LabelLedger.API.4322")
            let ids = (0...limit).map { "s\($0)" }
            expectError(
                try await client.call(.put, dataset + "/data-annotations/samples", token: fixture.labeler, json: ["samples": ids.map { ["sample_id": $0] }]),
                .contentTooLarge, "LabelLedger.API.4322")
            for path in ["/reject", "/delete"] {
                expectError(
                    try await client.call(.post, dataset + "/data-annotations/samples" + path, token: fixture.admin, json: ["samples": ids]),
                    .contentTooLarge, "LabelLedger.API.4322")
            }
            #expect(fixture.runtime.log.head == head)
        }
    }

    @Test func more_labels_than_one_request_may_carry_get_413() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            let ids = try await client.addSamples(dataset, count: 1)
            let head = fixture.runtime.log.head
            let labels = [[String: Any]](repeating: ["name": "cat"], count: fixture.runtime.configuration.maxLabelsPerRequest + 1)
            expectError(
                try await client.call(.put, dataset + "/data-annotations/samples", token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": labels]]]),
                .contentTooLarge, "LabelLedger.API.4323")
            #expect(fixture.runtime.log.head == head)
        }
    }

    @Test func a_rename_request_renames_at_most_as_many_labels_as_a_dataset_has() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset(labels: ["a"])
            let head = fixture.runtime.log.head
            // a → b, b → a, … : each step valid, so only the count bounds the work.
            let renames = (0...1000).map { $0 % 2 == 0 ? ["name": "a", "new_name": "b"] : ["name": "b", "new_name": "a"] }
            expectError(
                try await client.call(.put, dataset + "/data-annotations/labels", token: fixture.admin, json: ["labels": renames]),
                .contentTooLarge, "LabelLedger.API.4325")
            #expect(fixture.runtime.log.head == head)
        }
    }

    @Test func a_command_too_large_for_one_event_is_a_413_not_a_500() {
        let error = ServiceError.log(.eventTooLarge(stream: "demo/d", bytes: 20 << 20, limit: 16 << 20))
        let problem = APIError.from(error)
        #expect(problem.status == .contentTooLarge)
        #expect(problem.code == "LabelLedger.Log.005")
    }

    @Test func a_source_file_over_the_byte_limit_is_refused_without_being_read() async throws {
        let roots = TemporaryDirectory()
        defer { roots.cleanup() }
        try TestPNG.pattern(width: 8, height: 8, seed: 3).write(to: roots.file("ok.png"))
        // A real PNG header, then a sparse hole to 2 GiB: no disk used, but reading it whole
        // would take 2 GiB of memory.
        let huge = roots.file("huge.png")
        try TestPNG.pattern(width: 8, height: 8, seed: 4).write(to: huge)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 2 << 30)
        try handle.close()
        let fixture = try await ServerFixture.make(dataRoots: [roots.url])
        defer { Task { await fixture.cleanup() } }
        let peakBefore = Self.peakResidentBytes()
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let reply = try await client.call(.post, dataset + "/data-annotations/samples", token: fixture.admin, json: ["samples": [
                ["source": roots.file("ok.png").path], ["source": huge.path],
            ]])
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.results.map { $0["success"] as? Bool } == [true, false])
            #expect(reply.results.last?["error_code"] as? String == "LabelLedger.API.4324")
            #expect((reply.results.last?["error_msg"] as? String)?.contains("\(2 << 30) bytes") == true)
        }
        // The process's peak memory did not grow by anything like the file's size.
        #expect(Self.peakResidentBytes() - peakBefore < 1 << 30)
    }

    /// The process's peak resident set size (`getrusage`: kilobytes on Linux).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    @Test func detection_boxes_are_accepted_as_modelarts_feature_in_both_forms() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset(type: 1, labels: ["car"])
            let ids = try await client.addSamples(dataset, count: 1, width: 40, height: 30)
            let samples = dataset + "/data-annotations/samples"
            func put(_ property: [String: Any]) async throws -> ServerFixture.Reply {
                try await client.call(.put, samples, token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": [
                    ["name": "car", "property": property.merging(["@modelarts:shape": "bndbox"]) { a, _ in a }],
                ]]]])
            }
            func stored() async throws -> [[Int]]? {
                let sample = try await client.call(.get, samples + "/\(ids[0])", token: fixture.labeler)
                return ((sample.json["labels"] as? [[String: Any]])?.first?["property"] as? [String: Any])?["@modelarts:coordinates"] as? [[Int]]
            }
            let points = try await put(["@modelarts:feature": [[1, 2], [20, 25]]])
            #expect(points.results.first?["success"] as? Bool == true, "\(points.text)")
            #expect(try await stored() == [[1, 2], [20, 25]])
            let object = try await put(["@modelarts:feature": ["coordinates": [[3, 4], [30, 28]]]])
            #expect(object.results.first?["success"] as? Bool == true, "\(object.text)")
            #expect(try await stored() == [[3, 4], [30, 28]])
            let both = try await put(["@modelarts:feature": [[3, 4], [30, 28]], "@modelarts:coordinates": [[3, 4], [30, 28]]])
            #expect(both.results.first?["success"] as? Bool == true, "\(both.text)")
            expectError(
                try await put(["@modelarts:feature": [[1, 1], [5, 5]], "@modelarts:coordinates": [[2, 2], [6, 6]]]),
                .unprocessableContent, "LabelLedger.API.4221")
        }
    }

    @Test func labels_without_a_colour_get_distinct_defaults_and_explicit_ones_are_kept() async throws {
        try await ServerFixture.run { fixture, client in
            let created = try await client.call(.post, "/v2/demo/datasets", token: fixture.admin, json: [
                "dataset_name": "pets", "dataset_type": 0,
                "labels": [["name": "a"], ["name": "b", "property": ["@modelarts:color": "#123456"]], ["name": "c"]],
            ])
            let dataset = "/v2/demo/datasets/\(created.json["dataset_id"] as? String ?? "?")"
            let added = try await client.call(
                .post, dataset + "/data-annotations/labels", token: fixture.admin, json: ["labels": [["name": "d"], ["name": "e"]]])
            #expect(added.status == .created, "\(added.text)")
            let labels = try await client.call(.get, dataset + "/data-annotations/labels", token: fixture.labeler)
            let colours = ((labels.json["labels"] as? [[String: Any]]) ?? []).map { ($0["property"] as? [String: String])?["@modelarts:color"] }
            #expect(colours == ["#E6194B", "#123456", "#3CB44B", "#FFE119", "#4363D8"])
        }
    }
}
