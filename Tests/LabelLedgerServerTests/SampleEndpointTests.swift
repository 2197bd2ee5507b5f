import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

@Suite struct SampleEndpointTests {
    @Test func tabs_filter_and_page_with_a_stable_cursor() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let ids = try await client.addSamples(dataset, count: 12, labels: ["cat", "dog", "cat", nil, nil])
            #expect(ids.count == 12)
            let samples = dataset + "/data-annotations/samples"
            func names(_ reply: ServerFixture.Reply) -> [String] {
                ((reply.json["samples"] as? [[String: Any]]) ?? []).compactMap { $0["sample_name"] as? String }
            }
            #expect(names(try await client.call(.get, samples + "?sample_state=__ALL__", token: fixture.labeler)).count == 3)
            #expect(names(try await client.call(.get, samples + "?sample_state=__NONE__&limit=100", token: fixture.labeler)).count == 9)
            #expect(names(try await client.call(.get, samples + "?label_name=cat", token: fixture.labeler)).sorted() == ["img-0.png", "img-2.png"])
            #expect(names(try await client.call(.get, samples + "?sample_name=img-1", token: fixture.labeler)).sorted() == ["img-1.png", "img-10.png", "img-11.png"])
            // Keyset paging: pages of 5 in ascending order; a sample added meanwhile does not shift them.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.get, samples + "?order=asc&limit=5" + (cursor.map { "&cursor=\($0)" } ?? ""), token: fixture.labeler)
                seen += names(page)
                cursor = page.json["next_cursor"] as? String
                if seen.count == 5 { _ = try await client.addSamples(dataset, count: 1, width: 17, prefix: "late") }
            } while cursor != nil
            #expect(Set(seen).count == seen.count, "no sample twice")
            #expect(Array(seen.prefix(12)) == (0..<12).map { "img-\($0).png" })
            for bad in ["?limit=0", "?limit=101", "?order=up", "?sample_state=__MAYBE__", "?low_score=x", "?cursor=zzz", "?hard=2"] {
                let reply = try await client.call(.get, samples + bad, token: fixture.labeler)
                #expect(reply.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func updating_replaces_the_label_list_and_reports_each_sample() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let ids = try await client.addSamples(dataset, count: 3, labels: ["cat"])
            let reply = try await client.call(.put, dataset + "/data-annotations/samples", token: fixture.labeler, json: ["samples": [
                ["sample_id": ids[0], "labels": [["name": "dog"]]],
                ["sample_id": ids[1], "labels": [["name": "unicorn"]]],
                ["sample_id": "missing", "labels": [["name": "cat"]]],
                ["sample_id": ids[2], "labels": [["name": "cat"], ["name": "dog"]]],
            ]])
            #expect(reply.status == .ok)
            let results = (reply.json["results"] as? [[String: Any]]) ?? []
            #expect(results.map { $0["success"] as? Bool } == [true, false, false, true])
            #expect(results[1]["error_code"] as? String == "LabelLedger.1018")
            #expect(results[2]["error_code"] as? String == "LabelLedger.1012")
            let one = try await client.call(.get, dataset + "/data-annotations/samples/\(ids[0])", token: fixture.labeler)
            #expect(((one.json["labels"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["dog"])
            let cleared = try await client.call(.put, dataset + "/data-annotations/samples", token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": []]]])
            #expect(cleared.status == .ok)
            let after = try await client.call(.get, dataset + "/data-annotations/samples/\(ids[0])", token: fixture.labeler)
            #expect(after.json["sample_status"] as? String == "__NONE__")
            #expect(try await client.call(.get, dataset + "/data-annotations/samples/nope", token: fixture.labeler).status == .notFound)
        }
    }

    @Test func detection_boxes_are_validated_against_the_image() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset(type: 1, labels: ["car"])
            let ids = try await client.addSamples(dataset, count: 1, width: 40, height: 30)
            func box(_ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int) -> [String: Any] {
                ["name": "car", "property": ["@modelarts:shape": "bndbox", "@modelarts:coordinates": [[x1, y1], [x2, y2]]]]
            }
            let outside = try await client.call(.put, dataset + "/data-annotations/samples", token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": [box(1, 1, 41, 10)]]]])
            #expect(((outside.json["results"] as? [[String: Any]])?.first?["error_code"] as? String) == "LabelLedger.1021")
            let inside = try await client.call(.put, dataset + "/data-annotations/samples", token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": [box(1, 1, 40, 30)]]]])
            #expect(((inside.json["results"] as? [[String: Any]])?.first?["success"] as? Bool) == true)
            let sample = try await client.call(.get, dataset + "/data-annotations/samples/\(ids[0])", token: fixture.labeler)
            let property = ((sample.json["labels"] as? [[String: Any]])?.first?["property"] as? [String: Any])
            #expect(property?["@modelarts:shape"] as? String == "bndbox")
            #expect((sample.json["metadata"] as? [String: Any])?["@modelarts:size"] as? [Int] == [40, 30, 3])
        }
    }

    /// "Confirm Hard Example" by hand: a person marks a sample with no machine reason code;
    /// it lands in the hard tab, and its history says who marked it.
    @Test func a_person_marks_a_sample_hard_without_a_reason() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            let ids = try await client.addSamples(dataset, count: 2)
            let hard = try await client.call(
                .post, dataset + "/data-annotations/samples/hard", token: fixture.labeler, json: ["samples": [ids[0]], "hard": true])
            #expect(hard.status == .ok, "\(hard.text)")
            #expect((hard.json["success"] as? Bool) == true, "\(hard.text)")

            let hardTab = try await client.call(.get, dataset + "/data-annotations/samples?hard=1", token: fixture.labeler)
            let samples = (hardTab.json["samples"] as? [[String: Any]]) ?? []
            #expect(samples.compactMap { $0["sample_id"] as? String } == [ids[0]])
            let metadata = samples.first?["metadata"] as? [String: Any]
            #expect(metadata?["@modelarts:hard"] as? Int == 1)
            #expect(metadata?["@modelarts:hard_reasons"] as? [Int] == [])
            let history = try await client.call(.get, dataset + "/data-annotations/samples/\(ids[0])/history", token: fixture.labeler)
            let last = ((history.json["entries"] as? [[String: Any]]) ?? []).last
            #expect(last?["event"] as? String == "SamplesMarkedHard")
            #expect(last?["actor"] as? String == "leo")
            #expect(last?["after"] as? String == "hard [no reason] 1.000", "\(history.text)")
        }
    }

    @Test func machine_samples_are_confirmed_rejected_and_marked_hard() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let samples: [[String: Any]] = (0..<3).map {
                ["name": "m\($0).png", "data": TestPNG.pattern(width: 8, height: 8, seed: 100 + $0).base64EncodedString(), "labels": [["name": "cat"]]]
            }
            let added = try await client.call(.post, dataset + "/data-annotations/samples", token: fixture.admin, json: ["samples": samples, "final_annotation": false])
            let ids = ((added.json["results"] as? [[String: Any]]) ?? []).compactMap { $0["sample_id"] as? String }
            let pending = try await client.call(.get, dataset + "/auto-annotations/samples", token: fixture.labeler)
            #expect((pending.json["samples"] as? [[String: Any]])?.count == 3)
            let confirm = try await client.call(.post, dataset + "/data-annotations/samples/confirm", token: fixture.labeler, json: ["samples": [
                ["sample_id": ids[0]], ["sample_id": ids[1], "labels": [["name": "dog"]]],
            ]])
            #expect((confirm.json["success"] as? Bool) == true)
            let reject = try await client.call(.post, dataset + "/data-annotations/samples/reject", token: fixture.labeler, json: ["samples": [ids[2], ids[0]]])
            let results = (reject.json["results"] as? [[String: Any]]) ?? []
            #expect(results.map { $0["success"] as? Bool } == [true, false])
            #expect(results[1]["error_code"] as? String == "LabelLedger.1023")
            let hard = try await client.call(.post, dataset + "/data-annotations/samples/hard", token: fixture.labeler, json: ["samples": [ids[1]], "hard": true, "reasons": [1, 2], "coefficient": 0.7])
            #expect((hard.json["success"] as? Bool) == true)
            let badReason = try await client.call(.post, dataset + "/data-annotations/samples/hard", token: fixture.labeler, json: ["samples": [ids[1]], "hard": true, "reasons": [99]])
            #expect(badReason.status == .badRequest)
            let hardTab = try await client.call(.get, dataset + "/data-annotations/samples?hard=1", token: fixture.labeler)
            let sample = (hardTab.json["samples"] as? [[String: Any]])?.first
            #expect(sample?["sample_id"] as? String == ids[1])
            #expect(((sample?["metadata"] as? [String: Any])?["@modelarts:hard_reasons"] as? [Int]) == [1, 2])
            #expect((sample?["hard_details"] as? [String: Any])?.keys.sorted() == ["1", "2"])
            let history = try await client.call(.get, dataset + "/data-annotations/samples/\(ids[1])/history", token: fixture.labeler)
            let changes = ((history.json["entries"] as? [[String: Any]]) ?? []).compactMap { $0["change"] as? String }
            #expect(changes.count == 3, "\(changes)")
            let datasetHistory = try await client.call(.get, dataset + "/history?actor=leo", token: fixture.labeler)
            #expect(((datasetHistory.json["entries"] as? [[String: Any]]) ?? []).count == 3)
        }
    }

    @Test func source_paths_must_stay_inside_the_data_roots() async throws {
        let roots = FileManager.default.temporaryDirectory.appendingPathComponent("labelledger-roots-\(UUID().uuidString.prefix(8))")
        let inside = roots.appendingPathComponent("images")
        let outside = roots.appendingPathComponent("secret")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: roots) }
        try TestPNG.pattern(width: 8, height: 8, seed: 1).write(to: inside.appendingPathComponent("ok.png"))
        try TestPNG.pattern(width: 8, height: 8, seed: 2).write(to: outside.appendingPathComponent("secret.png"))
        try FileManager.default.createSymbolicLink(at: inside.appendingPathComponent("link.png"), withDestinationURL: outside.appendingPathComponent("secret.png"))
        let fixture = try await ServerFixture.make(dataRoots: [inside])
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            let reply = try await client.call(.post, dataset + "/data-annotations/samples", token: fixture.admin, json: ["samples": [
                ["source": inside.appendingPathComponent("ok.png").path],
                ["source": inside.path + "/../secret/secret.png"],
                ["source": inside.appendingPathComponent("link.png").path],
                ["source": "/etc/passwd"],
                ["source": "relative/../../x.png"],
            ]])
            let results = (reply.json["results"] as? [[String: Any]]) ?? []
            #expect(results.map { $0["success"] as? Bool } == [true, false, false, false, false])
            #expect(results.dropFirst().allSatisfy { ($0["error_code"] as? String)?.hasPrefix("LabelLedger.API.403") == true })
        }
    }
}
