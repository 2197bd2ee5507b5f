import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

extension EndpointErrorSuites {
    /// Samples: add, update, delete, confirm, reject, hard marks, one sample, its history and
    /// the tabs — each documented refusal (whole request or per sample), status and `error_code`.
    @Suite struct SampleErrorTests {
        static func samples(_ dataset: String) -> String { dataset + "/data-annotations/samples" }

        static func png(_ seed: Int) -> String { TestPNG.pattern(width: 8, height: 8, seed: seed).base64EncodedString() }

        /// The one per-sample result of a batch answer that is itself 200.
        static func onlyResult(_ reply: ServerFixture.Reply, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
            #expect(reply.status == .ok, "\(reply.text)", sourceLocation: sourceLocation)
            #expect(reply.json["success"] as? Bool == false, sourceLocation: sourceLocation)
            #expect(reply.results.count == 1, sourceLocation: sourceLocation)
            return reply.results.first ?? [:]
        }

        // MARK: - Adding

        @Test func add_samples_is_refused_for_an_empty_list() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.post, Self.samples(dataset), token: fixture.admin, json: ["samples": [Any]()]), .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func a_sample_with_both_data_and_source_fails_alone() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.post, Self.samples(dataset), token: fixture.admin, json: ["samples": [
                    ["name": "ok.png", "data": Self.png(1)], ["name": "both.png", "data": Self.png(2), "source": "/x.png"],
                ]])
                #expect(reply.status == .ok)
                #expect(reply.results.map { $0["success"] as? Bool } == [true, false])
                #expect(reply.results[1]["error_code"] as? String == "LabelLedger.API.400")
            }
        }

        @Test func a_sample_whose_data_is_not_base64_fails_with_400() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.post, Self.samples(dataset), token: fixture.admin, json: ["samples": [["name": "a.png", "data": "A"]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.API.400")
            }
        }

        @Test func a_sample_whose_data_is_not_an_image_fails_as_unprocessable() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(
                    .post, Self.samples(dataset), token: fixture.admin,
                    json: ["samples": [["name": "a.png", "data": Data("not an image".utf8).base64EncodedString()]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.Import.012")
            }
        }

        @Test func a_source_path_is_refused_when_the_server_has_no_data_roots() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.post, Self.samples(dataset), token: fixture.admin, json: ["samples": [["source": "/tmp/a.png"]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.API.4031")
            }
        }

        @Test func a_sample_with_an_unknown_usage_fails_with_400() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(
                    .post, Self.samples(dataset), token: fixture.admin, json: ["samples": [["name": "a.png", "data": Self.png(1), "usage": "SOMETIMES"]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.API.400")
            }
        }

        @Test func a_sample_with_a_label_outside_the_label_set_fails_as_unprocessable() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(
                    .post, Self.samples(dataset), token: fixture.admin,
                    json: ["samples": [["name": "a.png", "data": Self.png(1), "labels": [["name": "unicorn"]]]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1018")
            }
        }

        @Test func a_sample_added_twice_under_the_same_name_fails_the_second_time() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                _ = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.post, Self.samples(dataset), token: fixture.admin, json: ["samples": [["name": "img-0.png", "data": Self.png(9)]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1013")
            }
        }

        // MARK: - Updating labels

        @Test func update_samples_is_refused_for_an_empty_list() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.put, Self.samples(dataset), token: fixture.labeler, json: ["samples": [Any]()]), .badRequest, "LabelLedger.API.400")
            }
        }

        @Test func update_samples_is_refused_as_unprocessable_for_coordinates_that_are_not_two_points() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset(type: 1, labels: ["car"])
                let ids = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.put, Self.samples(dataset), token: fixture.labeler, json: ["samples": [
                    ["sample_id": ids[0], "labels": [["name": "car", "property": ["@modelarts:coordinates": [[1, 2, 3]]]]]],
                ]])
                expectError(reply, .unprocessableContent, "LabelLedger.API.4221")
            }
        }

        @Test func update_samples_fails_a_sample_alone_for_a_label_outside_the_label_set() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.put, Self.samples(dataset), token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": [["name": "unicorn"]]]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1018")
            }
        }

        @Test func update_samples_fails_an_unknown_sample_alone_with_not_found() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.put, Self.samples(dataset), token: fixture.labeler, json: ["samples": [["sample_id": "ghost", "labels": [["name": "cat"]]]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1012")
            }
        }

        @Test func update_samples_refuses_a_box_on_a_classification_label() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.put, Self.samples(dataset), token: fixture.labeler, json: ["samples": [
                    ["sample_id": ids[0], "labels": [["name": "cat", "property": ["@modelarts:coordinates": [[1, 1], [4, 4]]]]]],
                ]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1019")
            }
        }

        @Test func update_samples_refuses_a_detection_label_without_a_box() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset(type: 1, labels: ["car"])
                let ids = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.put, Self.samples(dataset), token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": [["name": "car"]]]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1020")
            }
        }

        @Test func update_samples_refuses_a_sample_named_twice() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.put, Self.samples(dataset), token: fixture.labeler, json: ["samples": [
                    ["sample_id": ids[0], "labels": [["name": "cat"]]], ["sample_id": ids[0], "labels": [["name": "dog"]]],
                ]])
                #expect(reply.results.map { $0["error_code"] as? String } == [nil, "LabelLedger.1011"])
            }
        }

        // MARK: - Deleting

        @Test func delete_samples_removes_them_from_the_dataset() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 2)
                let reply = try await client.call(.post, Self.samples(dataset) + "/delete", token: fixture.admin, json: ["samples": [ids[0]]])
                #expect(reply.json["success"] as? Bool == true)
                expectError(try await client.call(.get, Self.samples(dataset) + "/\(ids[0])", token: fixture.labeler), .notFound, "LabelLedger.API.404")
            }
        }

        @Test func delete_samples_fails_an_unknown_sample_alone() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.post, Self.samples(dataset) + "/delete", token: fixture.admin, json: ["samples": ["ghost"]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1012")
            }
        }

        @Test func delete_samples_is_refused_for_an_empty_list() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.post, Self.samples(dataset) + "/delete", token: fixture.admin, json: ["samples": [String]()]), .badRequest, "LabelLedger.1010")
            }
        }

        // MARK: - Confirming and rejecting

        @Test func confirm_fails_a_sample_that_is_not_to_be_confirmed() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1, labels: ["cat"])
                let reply = try await client.call(.post, Self.samples(dataset) + "/confirm", token: fixture.labeler, json: ["samples": [["sample_id": ids[0]]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1023")
            }
        }

        @Test func confirm_with_an_empty_correction_fails_the_sample_as_unprocessable() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addMachineSamples(dataset, count: 1)
                let reply = try await client.call(.post, Self.samples(dataset) + "/confirm", token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": [Any]()]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1043")
            }
        }

        @Test func confirm_with_a_correction_outside_the_label_set_fails_the_sample() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addMachineSamples(dataset, count: 1)
                let reply = try await client.call(.post, Self.samples(dataset) + "/confirm", token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": [["name": "unicorn"]]]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1018")
            }
        }

        @Test func confirm_is_refused_for_an_empty_list() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.post, Self.samples(dataset) + "/confirm", token: fixture.labeler, json: ["samples": [Any]()]), .badRequest, "LabelLedger.1010")
            }
        }

        @Test func reject_sends_a_to_be_confirmed_sample_back_to_unlabeled() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addMachineSamples(dataset, count: 1)
                let reply = try await client.call(.post, Self.samples(dataset) + "/reject", token: fixture.labeler, json: ["samples": [ids[0]]])
                #expect(reply.json["success"] as? Bool == true)
                let sample = try await client.call(.get, Self.samples(dataset) + "/\(ids[0])", token: fixture.labeler)
                #expect(sample.json["sample_status"] as? String == "__NONE__")
            }
        }

        @Test func reject_fails_a_sample_that_is_not_to_be_confirmed() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.post, Self.samples(dataset) + "/reject", token: fixture.labeler, json: ["samples": [ids[0]]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1023")
            }
        }

        @Test func reject_is_refused_for_an_empty_list() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.post, Self.samples(dataset) + "/reject", token: fixture.labeler, json: ["samples": [String]()]), .badRequest, "LabelLedger.1010")
            }
        }

        // MARK: - Hard marks

        @Test func a_hard_mark_is_refused_for_a_reason_code_outside_0_to_30() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.post, Self.samples(dataset) + "/hard", token: fixture.labeler, json: ["samples": ids, "hard": true, "reasons": [31]])
                expectError(reply, .badRequest, "LabelLedger.1025")
            }
        }

        @Test func a_hard_mark_is_refused_for_a_coefficient_outside_0_to_1() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                let reply = try await client.call(.post, Self.samples(dataset) + "/hard", token: fixture.labeler, json: ["samples": ids, "hard": true, "reasons": [1], "coefficient": 1.5])
                expectError(reply, .badRequest, "LabelLedger.1024")
            }
        }

        @Test func a_hard_mark_with_a_bad_coefficient_names_the_coefficient_whatever_the_reasons() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                for reasons in [[Int](), [99]] {
                    let reply = try await client.call(
                        .post, Self.samples(dataset) + "/hard", token: fixture.labeler,
                        json: ["samples": ids, "hard": true, "reasons": reasons, "coefficient": 2])
                    expectError(reply, .badRequest, "LabelLedger.1024")
                    #expect(reply.errorMessage?.contains("coefficient 2") == true, "\(reply.text)")
                }
            }
        }

        @Test func clearing_a_hard_mark_takes_the_sample_out_of_the_hard_tab() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                _ = try await client.call(.post, Self.samples(dataset) + "/hard", token: fixture.labeler, json: ["samples": ids, "hard": true, "reasons": [1]])
                let cleared = try await client.call(.post, Self.samples(dataset) + "/hard", token: fixture.labeler, json: ["samples": ids, "hard": false])
                #expect(cleared.json["success"] as? Bool == true)
                let tab = try await client.call(.get, Self.samples(dataset) + "?hard=1", token: fixture.labeler)
                #expect((tab.json["samples"] as? [[String: Any]])?.isEmpty == true)
            }
        }

        @Test func a_hard_mark_fails_an_unknown_sample_alone() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.post, Self.samples(dataset) + "/hard", token: fixture.labeler, json: ["samples": ["ghost"], "hard": true, "reasons": [1]])
                #expect(Self.onlyResult(reply)["error_code"] as? String == "LabelLedger.1012")
            }
        }

        // MARK: - Reading

        @Test func an_unknown_sample_is_404() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.get, Self.samples(dataset) + "/ghost", token: fixture.labeler), .notFound, "LabelLedger.API.404")
            }
        }

        @Test func the_history_of_an_unknown_sample_is_404() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                expectError(try await client.call(.get, Self.samples(dataset) + "/ghost/history", token: fixture.labeler), .notFound, "LabelLedger.API.404")
            }
        }

        @Test func a_samples_history_lists_its_changes_in_log_order() async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let ids = try await client.addSamples(dataset, count: 1)
                _ = try await client.call(.put, Self.samples(dataset), token: fixture.labeler, json: ["samples": [["sample_id": ids[0], "labels": [["name": "dog"]]]]])
                let history = try await client.call(.get, Self.samples(dataset) + "/\(ids[0])/history", token: fixture.labeler)
                let entries = (history.json["entries"] as? [[String: Any]]) ?? []
                #expect(entries.compactMap { $0["event"] as? String } == ["SamplesAdded", "SampleLabelsReplaced"])
                #expect(entries.last?["actor"] as? String == "leo")
            }
        }

        @Test(arguments: [
            "?limit=0", "?limit=101", "?limit=ten", "?offset=-1", "?offset=x", "?order=up", "?sample_state=__MAYBE__",
            "?low_score=x", "?high_score=x", "?low_score=0.9&high_score=0.1", "?cursor=zzz", "?hard=2",
            "?search_conditions=nope", "?search_conditions=%5B%7B%22hard%22%3A%222%22%7D%5D",
        ])
        func a_tab_query_with_a_bad_parameter_is_refused_with_400(query: String) async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.get, Self.samples(dataset) + query, token: fixture.labeler)
                #expect(reply.status == .badRequest, "\(query): \(reply.text)")
                #expect(reply.errorCode?.hasPrefix("LabelLedger.") == true, "\(query): \(reply.text)")
            }
        }

        @Test(arguments: ["?limit=0", "?order=sideways", "?hard=yes", "?low_score=2&high_score=1", "?cursor=zzz"])
        func a_to_be_confirmed_query_with_a_bad_parameter_is_refused_with_400(query: String) async throws {
            try await ServerFixture.run { fixture, client in
                let dataset = try await client.createDataset()
                let reply = try await client.call(.get, dataset + "/auto-annotations/samples" + query, token: fixture.labeler)
                #expect(reply.status == .badRequest, "\(query): \(reply.text)")
            }
        }
    }
}
