import Foundation
import Hummingbird
import Testing
import LedgerComposition
@testable import LabelLedgerServer

/// Every documented operation with what the cross-cutting error tests need: a request
/// that the operation would accept (body, path), the least role it needs, and whether it
/// checks `If-Match`. `ErrorPathTests` checks that this catalog names every operation of
/// openapi.yaml, so a new route cannot go without its error tests.
struct APIOperation: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    /// As documented, e.g. `/v2/{project_id}/datasets/{dataset_id}/tasks/{task_id}`.
    var template: String
    /// A body the operation decodes (JSON text), or nil.
    var body: String?
    /// The least role that may call it (nil: any token).
    var role: Role?
    /// Whether it answers 412 to a stale `If-Match`.
    var checksIfMatch = false
    /// The query string a valid request carries, if any.
    var query = ""

    var testDescription: String { "\(method.rawValue) \(template)" }
    /// Answered without a token (the document marks these `security: []`).
    var isPublic: Bool { ["/health", "/openapi.yaml", "/console", "/console/{file}"].contains(template) }
    var isInProject: Bool { template.hasPrefix("/v2/{project_id}") }
    var isInDataset: Bool { template.contains("{dataset_id}") }

    /// The concrete path: `project`, the dataset id, and sample "x", task "x", label "cat".
    func path(project: String = "demo", dataset: String = "unknown0dataset") -> String {
        template.replacingOccurrences(of: "{project_id}", with: project)
            .replacingOccurrences(of: "{dataset_id}", with: dataset)
            .replacingOccurrences(of: "{sample_id}", with: "x")
            .replacingOccurrences(of: "{task_id}", with: "x")
            .replacingOccurrences(of: "{label_name}", with: "cat")
            .replacingOccurrences(of: "{file}", with: "app.js") + query
    }

    static let sample = #"{"name":"a.png","data":"iVBORw0KGgo="}"#

    static let all: [APIOperation] = [
        APIOperation(method: .get, template: "/health"),
        APIOperation(method: .get, template: "/metrics"),
        APIOperation(method: .get, template: "/openapi.yaml"),
        APIOperation(method: .get, template: "/console"),
        APIOperation(method: .get, template: "/console/{file}"),
        APIOperation(method: .post, template: "/admin/import", body: #"{"source":"/nonexistent-source","dataset":"demo/x","dry_run":true}"#, role: .admin),
        // Its body is optional (none: every projection), so it has no required field to leave out.
        APIOperation(method: .post, template: "/admin/rebuild", role: .admin),
        APIOperation(method: .post, template: "/v2/{project_id}/datasets", body: #"{"dataset_name":"d","dataset_type":0}"#, role: .admin),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets", role: .labeler),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}", role: .labeler),
        APIOperation(method: .delete, template: "/v2/{project_id}/datasets/{dataset_id}", role: .admin, checksIfMatch: true),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/stats", role: .labeler),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels", role: .labeler),
        APIOperation(
            method: .post, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels",
            body: #"{"labels":[{"name":"bird"}]}"#, role: .admin, checksIfMatch: true),
        APIOperation(
            method: .put, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels",
            body: #"{"labels":[{"name":"cat","new_name":"kitten"}]}"#, role: .admin, checksIfMatch: true),
        APIOperation(
            method: .delete, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/labels/{label_name}",
            role: .admin, checksIfMatch: true),
        APIOperation(
            method: .post, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples",
            body: #"{"samples":[\#(sample)]}"#, role: .admin, checksIfMatch: true),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples", role: .labeler),
        APIOperation(
            method: .put, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples",
            body: #"{"samples":[{"sample_id":"x","labels":[{"name":"cat"}]}]}"#, role: .labeler, checksIfMatch: true),
        APIOperation(
            method: .post, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/delete",
            body: #"{"samples":["x"]}"#, role: .admin, checksIfMatch: true),
        APIOperation(
            method: .post, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/confirm",
            body: #"{"samples":[{"sample_id":"x"}]}"#, role: .labeler, checksIfMatch: true),
        APIOperation(
            method: .post, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/reject",
            body: #"{"samples":["x"]}"#, role: .labeler, checksIfMatch: true),
        APIOperation(
            method: .post, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/hard",
            body: #"{"samples":["x"],"hard":true,"reasons":[1]}"#, role: .labeler, checksIfMatch: true),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/{sample_id}", role: .labeler),
        APIOperation(
            method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/{sample_id}/history",
            role: .labeler),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/auto-annotations/samples", role: .labeler),
        APIOperation(
            method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples/{sample_id}/thumbnail",
            role: .labeler),
        // live=false: the answer ends at the head (a live stream would never end in these tests).
        APIOperation(method: .get, template: "/v2/{project_id}/events", role: .labeler, query: "?from_position=1&live=false"),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/auto-annotations/continuous", role: .labeler),
        APIOperation(
            method: .put, template: "/v2/{project_id}/datasets/{dataset_id}/auto-annotations/continuous",
            body: #"{"new_sample_threshold":10,"algorithm_type":"fast"}"#, role: .reviewer, checksIfMatch: true),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/history", role: .labeler),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/export", role: .labeler, query: "?format=coco"),
        APIOperation(
            method: .post, template: "/v2/{project_id}/datasets/{dataset_id}/tasks",
            body: #"{"task_type":"auto-label","config":{"algorithm_type":"fast"}}"#, role: .reviewer, checksIfMatch: true),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/tasks", role: .labeler),
        APIOperation(method: .get, template: "/v2/{project_id}/datasets/{dataset_id}/tasks/{task_id}", role: .labeler),
        APIOperation(method: .post, template: "/v2/{project_id}/datasets/{dataset_id}/tasks/{task_id}/stop", role: .reviewer),
        APIOperation(method: .get, template: "/v2/{project_id}/models", role: .labeler),
        APIOperation(
            method: .post, template: "/v2/{project_id}/models",
            body: #"{"model_name":"m","model_version":"1","model_type":0,"command":["/bin/true"]}"#, role: .admin),
    ]

    static var guarded: [APIOperation] { all.filter { !$0.isPublic } }
    static var inProject: [APIOperation] { all.filter(\.isInProject) }
    static var inDataset: [APIOperation] { all.filter(\.isInDataset) }
    static var withBody: [APIOperation] { all.filter { $0.body != nil } }
    static var ifMatch: [APIOperation] { all.filter(\.checksIfMatch) }
    /// (operation, a role below the one it needs).
    static var tooLow: [(APIOperation, Role)] {
        all.flatMap { operation in
            Role.allCases.filter { role in operation.role.map { role < $0 } ?? false }.map { (operation, $0) }
        }
    }
}

extension ServerFixture {
    func token(_ role: Role) -> String {
        switch role {
        case .labeler: labeler
        case .reviewer: reviewer
        case .admin: admin
        }
    }
}

extension ServerFixture.Client {
    /// Sends `operation` as documented (its valid body, if any) with `token`.
    func send(
        _ operation: APIOperation, token: String?, project: String = "demo", dataset: String = "unknown0dataset",
        body: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> ServerFixture.Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        let text = body ?? operation.body
        if text != nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: operation.path(project: project, dataset: dataset), method: operation.method, headers: headers,
            body: text.map { ByteBuffer(string: $0) }
        ) { response in
            ServerFixture.Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }
}
