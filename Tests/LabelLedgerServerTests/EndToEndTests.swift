import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

/// The whole product through HTTP only: a dataset of real handwritten digits, five labels
/// per class, auto labeling by the real reactor, then a person working the To Be
/// Confirmed tab.
@Suite struct EndToEndTests {
    /// The first `limit` handwritten digits (`TestData.digits()`), 8×8 ink intensities 0–240.
    static func digits(limit: Int) throws -> [(pixels: [UInt8], label: Int)] {
        try TestData.digits().prefix(limit).map { row in (row.intensities.map { $0 * 15 }, row.label) }
    }

    /// 8×8 digit scaled to 32×32 grayscale.
    static func png(_ pixels: [UInt8]) -> Data {
        var big = [UInt8](repeating: 0, count: 32 * 32)
        for y in 0..<32 { for x in 0..<32 { big[y * 32 + x] = 255 - pixels[(y / 4) * 8 + x / 4] } }
        return TestPNG.encode(pixels: big, width: 32, height: 32, channels: 1)
    }

    @Test func digits_are_auto_labeled_and_reviewed_through_http() async throws {
        let rows = try Self.digits(limit: 400)
        try #require(rows.count == 400)
        let fixture = try await ServerFixture.make(reactor: true)
        let background = Task { try await fixture.runtime.runBackground() }
        defer {
            background.cancel()
            Task { await fixture.cleanup() }
        }
        try await fixture.test { client in
            let created = try await client.call(.post, "/v2/demo/datasets", token: fixture.admin, json: [
                "dataset_name": "digits", "dataset_type": 0, "labels": (0..<10).map { ["name": "\($0)"] },
            ])
            let dataset = "/v2/demo/datasets/\(created.json["dataset_id"] as? String ?? "")"
            // Five labeled images per class (the first five of each class), the rest unlabeled.
            var perClass = [Int](repeating: 0, count: 10)
            let samples: [[String: Any]] = rows.enumerated().map { index, row in
                var sample: [String: Any] = ["name": "digit-\(index).png", "data": Self.png(row.pixels).base64EncodedString()]
                if perClass[row.label] < 5 {
                    perClass[row.label] += 1
                    sample["labels"] = [["name": "\(row.label)"]]
                }
                return sample
            }
            let added = try await client.call(.post, dataset + "/data-annotations/samples", token: fixture.admin, json: ["samples": samples])
            #expect((added.json["success"] as? Bool) == true)
            let ids = ((added.json["results"] as? [[String: Any]]) ?? []).compactMap { $0["sample_id"] as? String }
            let truth = Dictionary(uniqueKeysWithValues: zip(ids, rows.map { "\($0.label)" }))

            let start = try await client.call(.post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "auto-label", "config": ["algorithm_type": "fast"]])
            let taskID = try #require(start.json["task_id"] as? String, "\(String(decoding: start.body, as: UTF8.self))")
            var status = -1
            for _ in 0..<600 where status != 3 && status != 2 {
                try await Task.sleep(for: .milliseconds(100))
                status = try await client.call(.get, dataset + "/tasks/\(taskID)", token: fixture.labeler).json["status"] as? Int ?? -1
            }
            let task = try await client.call(.get, dataset + "/tasks/\(taskID)", token: fixture.labeler)
            #expect(status == 3, "task ended with \(String(decoding: task.body, as: UTF8.self))")
            let phases = ((task.json["result"] as? [String: Any])?["events"] as? [[String: Any]]) ?? []
            #expect(phases.compactMap { $0["status"] as? String }.allSatisfy { $0 == "success" })

            // Work the To Be Confirmed tab: confirm the right predictions, reject the wrong ones.
            var confirmed: [String] = []
            var rejected: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.get, dataset + "/auto-annotations/samples?limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""), token: fixture.labeler)
                for sample in (page.json["samples"] as? [[String: Any]]) ?? [] {
                    let id = sample["sample_id"] as? String ?? ""
                    let predicted = ((sample["labels"] as? [[String: Any]])?.first?["name"] as? String) ?? ""
                    if predicted == truth[id] { confirmed.append(id) } else { rejected.append(id) }
                }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(confirmed.count + rejected.count == 350)
            #expect(Double(confirmed.count) / 350 > 0.8, "auto labels right: \(confirmed.count) of 350")
            let confirm = try await client.call(.post, dataset + "/data-annotations/samples/confirm", token: fixture.labeler, json: ["samples": confirmed.map { ["sample_id": $0] }])
            #expect((confirm.json["success"] as? Bool) == true)
            if !rejected.isEmpty {
                let reject = try await client.call(.post, dataset + "/data-annotations/samples/reject", token: fixture.labeler, json: ["samples": rejected])
                #expect((reject.json["success"] as? Bool) == true)
                let hard = try await client.call(.post, dataset + "/data-annotations/samples/hard", token: fixture.labeler, json: ["samples": [rejected[0]], "hard": true, "reasons": [1]])
                #expect((hard.json["success"] as? Bool) == true)
                let history = try await client.call(.get, dataset + "/data-annotations/samples/\(rejected[0])/history", token: fixture.labeler)
                let events = ((history.json["entries"] as? [[String: Any]]) ?? []).compactMap { $0["event"] as? String }
                #expect(events.contains("SamplesAutoLabeled") && events.contains("SamplesRejected") && events.contains("SamplesMarkedHard"), "\(events)")
            }
            let stats = try await client.call(.get, dataset + "/data-annotations/stats", token: fixture.labeler)
            let sampleStats = stats.json["sample_stats"] as? [String: Int]
            #expect(sampleStats?["manual_annotation"] == 50 + confirmed.count)
            #expect(sampleStats?["un_annotation"] == rejected.count)
            #expect(sampleStats?["auto_annotation"] == 0)
            #expect(sampleStats?["total"] == 400)
        }
    }
}
