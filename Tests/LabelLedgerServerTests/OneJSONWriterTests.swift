import Foundation
import Hummingbird
import LabelingDomain
import Projections
import Testing
import TestSupport
@testable import LabelLedgerServer

/// The wire shapes of read data are made in the server, by one JSON writer (issue 22):
/// no route encodes JSON another way, every JSON answer follows the writer's conventions
/// (keys in byte order, `/` unescaped, times with milliseconds), and a sample's JSON says
/// exactly what the query API's value of it says.
@Suite struct OneJSONWriterTests {
    /// What writes JSON, or a time, other than the writer.
    static let otherWriters = [
        "JSONEncoder", "JSONSerialization.data", "ISO8601DateFormatter", "ISO8601FormatStyle", ".iso8601",
        "writeString(\"{", "writeString(\",\\\"", "writeString(\"[",
    ]

    @Test func no_server_source_but_the_writer_encodes_json_or_formats_a_time() throws {
        let sources = try ServerBoundaryTests.serverSources()
        #expect(sources.count > 10)
        var found: [String] = []
        for (path, text) in sources where !path.hasSuffix("/Contract/WireWriter.swift") {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for pattern in Self.otherWriters where line.contains(pattern) {
                    found.append("\(URL(fileURLWithPath: path).lastPathComponent):\(number + 1): \(pattern)")
                }
            }
        }
        #expect(found == [], "JSON or times written outside WireWriter")
    }

    @Test func the_query_api_returns_values_not_json() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        for module in ["LedgerQueries", "Projections"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(module).path)
            #expect(!files.contains { $0.contains("Document") || $0.contains("JSONBytes") }, "\(module): \(files)")
        }
    }

    /// Whether every object of `json` has its keys in byte order and no `\/` escape.
    static func followsTheConventions(_ json: Data) -> [String] {
        var problems: [String] = []
        let bytes = [UInt8](json)
        var keys: [[UInt8]?] = []  // per open container: the last key (objects) or nil (arrays)
        var isObject: [Bool] = []
        var i = 0
        var expectKey = false
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "{"):
                isObject.append(true); keys.append(nil); expectKey = true
            case UInt8(ascii: "["):
                isObject.append(false); keys.append(nil); expectKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                isObject.removeLast(); keys.removeLast(); expectKey = false
            case UInt8(ascii: ","):
                expectKey = isObject.last == true
            case UInt8(ascii: "\""):
                var j = i + 1
                var text: [UInt8] = []
                while j < bytes.count, bytes[j] != UInt8(ascii: "\"") {
                    if bytes[j] == UInt8(ascii: "\\") {
                        if j + 1 < bytes.count, bytes[j + 1] == UInt8(ascii: "/") { problems.append("escaped slash at \(j)") }
                        text.append(bytes[j]); j += 1
                    }
                    text.append(bytes[j]); j += 1
                }
                if expectKey {
                    if let last = keys[keys.count - 1], !last.lexicographicallyPrecedes(text) {
                        problems.append("key \(String(decoding: text, as: UTF8.self)) after \(String(decoding: last, as: UTF8.self))")
                    }
                    keys[keys.count - 1] = text
                    expectKey = false
                }
                i = j
            default:
                break
            }
            i += 1
        }
        return problems
    }

    @Test func every_json_answer_follows_the_writers_conventions() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset(labels: ["cat", "dog"])
            let samples = try await client.addSamples(dataset, count: 3, labels: ["cat", "dog"])
            _ = try await client.addMachineSamples(dataset, count: 2)
            let marked = try await client.call(
                .post, dataset + "/data-annotations/samples/hard", token: fixture.labeler,
                json: ["samples": [samples[0]], "hard": true, "reasons": [2, 1, 30], "coefficient": 0.5])
            #expect(marked.status == .ok, "\(marked.text)")
            _ = try await client.call(
                .put, dataset + "/auto-annotations/continuous", token: fixture.reviewer, json: ["new_sample_threshold": 3])
            _ = try await client.call(
                .post, "/v2/demo/models", token: fixture.admin,
                json: ["model_name": "m", "model_version": "1", "model_type": 0, "command": ["/usr/bin/true"]])
            var replies: [(String, ServerFixture.Reply)] = [("hard", marked)]
            for path in [
                "/v2/demo/datasets", dataset, dataset + "/data-annotations/stats", dataset + "/data-annotations/labels",
                dataset + "/data-annotations/samples?limit=2", dataset + "/data-annotations/samples/\(samples[0])",
                dataset + "/data-annotations/samples/\(samples[0])/history", dataset + "/history", dataset + "/tasks",
                dataset + "/auto-annotations/continuous", "/v2/demo/models", dataset + "/data-annotations/samples?limit=x",
                "/v2/demo/datasets/nope",
            ] {
                replies.append((path, try await client.call(.get, path, token: fixture.labeler)))
            }
            for (path, reply) in replies {
                #expect(reply.headers[.contentType] == "application/json", "\(path)")
                #expect(Self.followsTheConventions(reply.body) == [], "\(path): \(reply.text)")
            }
            // Times carry milliseconds, and a time an answer shows is accepted back as a filter.
            let history = try #require(replies.first { $0.0 == dataset + "/history" }?.1)
            let entries = try #require(history.json["entries"] as? [[String: Any]])
            let time = try #require(entries.last?["time"] as? String)
            #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(time)")
            let since = try await client.call(
                .get, dataset + "/history?since=\(time.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? time)",
                token: fixture.labeler)
            #expect(since.status == .ok, "\(since.text)")
        }
    }

    @Test(arguments: [0, 1])
    func a_samples_json_says_what_its_query_value_says(type: Int) async throws {
        try await ServerFixture.run(name: "wire\(type)") { fixture, client in
            let dataset = try await client.createDataset(type: type, labels: ["cat", "dog"])
            let id = DatasetID("demo/" + datasetID(of: dataset))
            let people = try await client.addSamples(dataset, count: 4, labels: type == 0 ? ["cat", "dog", nil, "cat"] : [])
            if type == 1 {
                let boxed = try await client.call(.put, dataset + "/data-annotations/samples", token: fixture.labeler, json: [
                    "samples": [["sample_id": people[0], "labels": [
                        ["name": "cat", "property": ["@modelarts:coordinates": [[1, 2], [9, 12]]]],
                        ["name": "dog", "property": ["@modelarts:coordinates": [[0, 0], [4, 4]]]],
                    ]]],
                ])
                #expect(boxed.status == .ok, "\(boxed.text)")
            }
            if type == 0 { _ = try await client.addMachineSamples(dataset, count: 2) }
            _ = try await client.call(
                .post, dataset + "/data-annotations/samples/hard", token: fixture.labeler,
                json: ["samples": [people[1]], "hard": true, "reasons": [30, 2], "coefficient": 0.123456789])
            let views = try fixture.runtime.queries.projections.samples(SampleQuery(dataset: id, limit: 100)).samples
            #expect(views.count == (type == 0 ? 6 : 4))
            let page = try await client.call(.get, dataset + "/data-annotations/samples?limit=100", token: fixture.labeler)
            let listed = try #require(page.json["samples"] as? [[String: Any]])
            #expect(listed.count == views.count)
            for (view, document) in zip(views, listed) {
                let expected = Self.expected(view, type: type)
                #expect(Self.differences(document, expected) == [], "listed \(view.id)")
                let single = try await client.call(.get, dataset + "/data-annotations/samples/\(view.id.rawValue)", token: fixture.labeler)
                #expect(Self.differences(single.json, expected) == [], "single \(view.id)")
            }
            #expect(views.contains { $0.isHard } && (type == 1 || views.contains { $0.labels.contains { $0.annotator.isMachine } }))
            #expect(type == 0 || views.contains { $0.labels.contains { $0.box != nil } })
        }
    }

    /// The keys whose values differ (compared as canonical JSON).
    static func differences(_ document: [String: Any], _ expected: [String: Any]) -> [String] {
        func canonical(_ value: Any) -> String {
            (try? JSONSerialization.data(withJSONObject: ["v": value], options: [.sortedKeys]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
        }
        return Set(document.keys).union(expected.keys).sorted().filter { key in
            guard let a = document[key], let b = expected[key] else { return true }
            return canonical(a) != canonical(b)
        }.map { "\($0): \(document[$0].map { "\($0)" } ?? "nil") vs \(expected[$0].map { "\($0)" } ?? "nil")" }
    }

    /// The API shape of a sample, built from the query API's value: the specification the
    /// writer must meet.
    static func expected(_ view: SampleView, type: Int) -> [String: Any] {
        var labels: [[String: Any]] = []
        for label in view.labels {
            var entry: [String: Any] = [
                "name": label.name, "type": type, "annotated_by": label.annotator.isMachine ? "auto" : "human",
                "labeler": label.annotator.labeler.name,
            ]
            if let score = label.score { entry["score"] = WireWriter.rounded(score) }
            if let box = label.box {
                entry["property"] = [
                    "@modelarts:shape": "bndbox",
                    "@modelarts:coordinates": [[Int(box.x1), Int(box.y1)], [Int(box.x2), Int(box.y2)]],
                ]
            }
            labels.append(entry)
        }
        var metadata: [String: Any] = ["@modelarts:hard": view.isHard ? 1 : 0, "@modelarts:size": [view.width, view.height, view.channels]]
        if let coefficient = view.hardCoefficient { metadata["@modelarts:hard_coefficient"] = WireWriter.rounded(coefficient) }
        var document: [String: Any] = [
            "sample_id": view.id.rawValue, "sample_name": view.name, "sample_type": 0,
            "sample_status": view.state == .labeled ? "__ALL__" : view.state == .unlabeled ? "__NONE__" : "__AUTO_ANNOTATION__",
            "source": view.sourcePath, "labels": labels, "last_actor": view.lastActor, "position": Int(view.lastPosition),
        ]
        if view.isHard {
            metadata["@modelarts:hard_reasons"] = view.hardReasons.map(\.rawValue)
            document["hard_details"] = Dictionary(uniqueKeysWithValues: view.hardReasons.map {
                (String($0.rawValue), ["id": $0.rawValue, "reason": $0.meaning, "suggestion": $0.suggestion] as [String: Any])
            })
        }
        document["metadata"] = metadata
        if let labeler = view.labeler { document["labeler"] = labeler.name }
        if let usage = view.usage { document["usage"] = usage.manifestName }
        return document
    }
}
