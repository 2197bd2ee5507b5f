import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

/// The committed openapi.yaml and the router describe exactly the same operations.
@Suite struct ContractTests {
    /// `METHOD /path/{param}` for every operation of the YAML document (paths at 2 spaces,
    /// methods at 4: the document's own layout).
    static func documentedOperations() throws -> Set<String> {
        let url = TestData.repositoryRoot.appendingPathComponent("Sources/LabelLedgerServer/openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var operations: Set<String> = []
        var path: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init) ?? ""
                if ["get", "post", "put", "delete", "patch"].contains(key) { operations.insert("\(key.uppercased()) \(path)") }
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

    @Test func the_document_is_served() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let reply = try await client.call(.get, "/openapi.yaml", token: fixture.labeler)
            #expect(reply.status == .ok)
            #expect(String(decoding: reply.body, as: UTF8.self).hasPrefix("openapi: 3.1.0"))
            #expect(try await client.call(.get, "/openapi.yaml", token: nil).status == .unauthorized)
        }
    }
}
