import Foundation
import Hummingbird
import HummingbirdTesting
import LabelingDomain
import Testing
import TestSupport
import LedgerComposition
@testable import LabelLedgerServer

/// A runtime on a temporary data directory with one token per role, and helpers to call
/// the API in-process through HummingbirdTesting.
struct ServerFixture {
    let root: URL
    let runtime: LedgerRuntime
    let admin: String
    let reviewer: String
    let labeler: String
    /// An admin token bound to project "other".
    let foreign: String
    let project = "demo"

    static func make(name: String = #function, reactor: Bool = false, dataRoots: [URL] = [], maxBodyBytes: Int = 4 << 20) async throws -> ServerFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("labelledger-server")
            .appendingPathComponent("\(name.filter { $0.isLetter })-\(UUID().uuidString.prefix(8))")
        let runtime = try await LedgerRuntime(configuration: ServerConfiguration(
            dataDirectory: root, dataRoots: dataRoots, maxBodyBytes: maxBodyBytes, runReactor: reactor))
        return ServerFixture(
            root: root, runtime: runtime,
            admin: try await runtime.tokens.create(name: "ada", role: .admin, project: nil),
            reviewer: try await runtime.tokens.create(name: "rita", role: .reviewer, project: "demo"),
            labeler: try await runtime.tokens.create(name: "leo", role: .labeler, project: "demo"),
            foreign: try await runtime.tokens.create(name: "olga", role: .admin, project: "other"))
    }

    /// Makes a fixture, runs `body` against its router, and removes it again.
    static func run(
        name: String = #function, maxBodyBytes: Int = 4 << 20,
        _ body: @escaping @Sendable (ServerFixture, Client) async throws -> Void
    ) async throws {
        let fixture = try await make(name: name, maxBodyBytes: maxBodyBytes)
        do {
            try await fixture.test { client in try await body(fixture, client) }
        } catch {
            await fixture.cleanup()
            throw error
        }
        await fixture.cleanup()
    }

    func cleanup() async {
        await runtime.close()
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs `body` against the router (no network), or with `.ahc(.http)` against a real
    /// server on a local port through a pool of HTTP connections (requests truly concurrent).
    func test(_ setup: TestingSetup = .router, _ body: @escaping @Sendable (Client) async throws -> Void) async throws {
        let app = Application(router: LedgerApplication.router(runtime: runtime))
        try await app.test(setup) { client in try await body(Client(client: client, fixture: self)) }
    }

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: Data
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var errorCode: String? { json["error_code"] as? String }
        var errorMessage: String? { json["error_msg"] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The per-sample results of a batch answer.
        var results: [[String: Any]] { (json["results"] as? [[String: Any]]) ?? [] }
    }

    struct Client: Sendable {
        let client: any TestClientProtocol
        let fixture: ServerFixture

        @discardableResult
        func call(
            _ method: HTTPRequest.Method, _ path: String, token: String?, json: Any? = nil, headers extra: HTTPFields = [:]
        ) async throws -> Reply {
            var headers = extra
            if let token { headers[.authorization] = "Bearer \(token)" }
            var body: ByteBuffer?
            if let json {
                headers[.contentType] = "application/json"
                body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            }
            return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
                Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
            }
        }

        func raw(_ method: HTTPRequest.Method, _ path: String, token: String?, body: String) async throws -> Reply {
            var headers: HTTPFields = [.contentType: "application/json"]
            if let token { headers[.authorization] = "Bearer \(token)" }
            return try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: body)) { response in
                Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
            }
        }

        /// Creates a dataset and returns its path prefix `/v2/demo/datasets/<id>`.
        func createDataset(type: Int = 0, labels: [String] = ["cat", "dog"]) async throws -> String {
            let reply = try await call(
                .post, "/v2/demo/datasets", token: fixture.admin,
                json: ["dataset_name": "pets", "dataset_type": type, "labels": labels.map { ["name": $0] }])
            #expect(reply.status == .created, "\(String(decoding: reply.body, as: UTF8.self))")
            return "/v2/demo/datasets/\(reply.json["dataset_id"] as? String ?? "?")"
        }

        /// A classification dataset ready for active learning: 5 "cat" and 5 "dog" labeled
        /// samples and 2 unlabeled ones. Returns its path prefix and the sample ids.
        func createTrainableDataset() async throws -> (dataset: String, samples: [String]) {
            let dataset = try await createDataset(labels: ["cat", "dog"])
            let samples = try await addSamples(
                dataset, count: 12, labels: ["cat", "cat", "cat", "cat", "cat", "dog", "dog", "dog", "dog", "dog"])
            return (dataset, samples)
        }

        /// Adds `count` samples with machine labels ("cat", score 1): they land To Be Confirmed.
        func addMachineSamples(_ dataset: String, count: Int, prefix: String = "m") async throws -> [String] {
            let samples: [[String: Any]] = (0..<count).map {
                ["name": "\(prefix)\($0).png", "data": TestPNG.pattern(width: 8, height: 8, seed: 500 + $0).base64EncodedString(),
                 "labels": [["name": "cat"]]]
            }
            let reply = try await call(
                .post, dataset + "/data-annotations/samples", token: fixture.admin, json: ["samples": samples, "final_annotation": false])
            #expect(reply.status == .ok)
            return reply.results.compactMap { $0["sample_id"] as? String }
        }

        /// Queues an auto-label task (no reactor runs in these tests: it stays queued).
        func startTask(_ dataset: String) async throws -> String {
            let reply = try await call(
                .post, dataset + "/tasks", token: fixture.reviewer, json: ["task_type": "auto-label", "config": ["algorithm_type": "fast"]])
            #expect(reply.status == .ok, "\(reply.text)")
            return reply.json["task_id"] as? String ?? "?"
        }

        /// Deletes the dataset as admin and expects success.
        func deleteDataset(_ dataset: String) async throws {
            let reply = try await call(.delete, dataset, token: fixture.admin)
            #expect(reply.status == .ok, "\(reply.text)")
        }

        /// Adds `count` generated PNG samples; returns their ids in order.
        func addSamples(
            _ dataset: String, count: Int, labels: [String?] = [], width: Int = 16, height: Int = 16, prefix: String = "img"
        ) async throws -> [String] {
            let samples: [[String: Any]] = (0..<count).map { i in
                var sample: [String: Any] = [
                    "name": "\(prefix)-\(i).png",
                    "data": TestPNG.pattern(width: width, height: height, seed: i + prefix.utf8.reduce(0) { $0 + Int($1) }).base64EncodedString(),
                ]
                if i < labels.count, let label = labels[i] { sample["labels"] = [["name": label]] }
                return sample
            }
            let reply = try await call(.post, dataset + "/data-annotations/samples", token: fixture.admin, json: ["samples": samples])
            #expect(reply.status == .ok)
            return ((reply.json["results"] as? [[String: Any]]) ?? []).compactMap { $0["sample_id"] as? String }
        }
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self.init(buffer.readableBytesView)
    }
}

/// Expects an error answer: the status and the JSON `error_code`.
func expectError(
    _ reply: ServerFixture.Reply, _ status: HTTPResponse.Status, _ code: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.errorCode == code, "\(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.errorMessage?.isEmpty == false, "an error names its rule", sourceLocation: sourceLocation)
}

/// The dataset id at the end of a path prefix `/v2/demo/datasets/<id>`.
func datasetID(of path: String) -> String { String(path.split(separator: "/").last ?? "") }
