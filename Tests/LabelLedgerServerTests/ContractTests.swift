import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

/// The committed openapi.yaml and the router describe exactly the same operations.
@Suite struct ContractTests {
    static let documentURL = TestData.repositoryRoot.appendingPathComponent("Sources/LabelLedgerServer/openapi.yaml")

    /// `METHOD /path/{param}` for every operation of the YAML document.
    static func documentedOperations() throws -> Set<String> { Set(try documentedSecurity().keys) }

    /// The operations the document marks public (`security: []`).
    static func documentedPublicOperations() throws -> Set<String> { Set(try documentedSecurity().filter(\.value).keys) }

    /// Every operation of the document, `true` when it is public (paths at 2 spaces, methods
    /// at 4, an operation's `security: []` at 6: the document's own layout).
    private static func documentedSecurity() throws -> [String: Bool] {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        var operations: [String: Bool] = [:]
        var path: String?
        var operation: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
                operation = nil
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init) ?? ""
                operation = ["get", "post", "put", "delete", "patch"].contains(key) ? "\(key.uppercased()) \(path)" : nil
                if let operation { operations[operation] = false }
            } else if let operation, line == "      security: []" {
                operations[operation] = true
            }
        }
        return operations
    }

    @Test func every_route_is_documented_and_every_documented_operation_is_routed() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        let router = LedgerApplication.router(runtime: fixture.runtime)
        let routed = Set(router.routes.map { route -> String in
            let path = "/" + route.path.description.split(separator: "/").map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
            return "\(route.method.rawValue) \(path)"
        })
        let documented = try Self.documentedOperations()
        #expect(documented.count >= 28)
        #expect(routed.subtracting(documented).isEmpty, "routes missing from openapi.yaml: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
    }

    /// The contract holds no data: it is served to anyone, as APIs usually serve theirs.
    @Test func the_document_is_served_without_a_token() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        let committed = try Data(contentsOf: Self.documentURL)
        try await fixture.test { client in
            for token in [nil, fixture.labeler] {
                let reply = try await client.call(.get, "/openapi.yaml", token: token)
                #expect(reply.status == .ok)
                #expect(reply.headers[.contentType] == "application/yaml")
                #expect(reply.body == committed)
            }
        }
    }

    /// The document's `security: []` and the server agree: exactly the catalog's public
    /// operations are marked so (every other one answers 401 without a token:
    /// `ErrorPathTests`), and each answers without one.
    @Test func the_operations_the_document_marks_public_answer_without_a_token() async throws {
        let catalogued = Set(APIOperation.all.filter(\.isPublic).map { "\($0.method.rawValue) \($0.template)" })
        #expect(try Self.documentedPublicOperations() == catalogued)
        #expect(catalogued == ["GET /health", "GET /openapi.yaml", "GET /console", "GET /console/{file}"])
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            for operation in APIOperation.all where operation.isPublic {
                let reply = try await client.send(operation, token: nil)
                #expect(reply.status == .ok, "\(operation)")
            }
        }
    }
}
