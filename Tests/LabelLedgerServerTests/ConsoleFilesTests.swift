import Foundation
import HTTPTypes
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

/// The review console's static files at `/console/`: served without a token (they hold no
/// data), only the shipped files, each module the console imports present.
@Suite struct ConsoleFilesTests {
    static let folder = TestData.repositoryRoot.appendingPathComponent("Sources/LabelLedgerServer/Console")

    @Test func the_console_is_served_without_a_token_with_its_types() async throws {
        try await ServerFixture.run { _, client in
            for (path, type) in [
                ("/console", "text/html; charset=utf-8"), ("/console/", "text/html; charset=utf-8"),
                ("/console/index.html", "text/html; charset=utf-8"), ("/console/app.js", "text/javascript; charset=utf-8"),
                ("/console/console.css", "text/css; charset=utf-8"),
            ] {
                let reply = try await client.call(.get, path, token: nil)
                #expect(reply.status == .ok, "\(path)")
                #expect(reply.headers[.contentType] == type, "\(path)")
                #expect(reply.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
            }
            let index = try await client.call(.get, "/console/", token: nil)
            #expect(index.body == (try Data(contentsOf: Self.folder.appendingPathComponent("index.html"))))
        }
    }

    /// Only the shipped files, by exact name: no path outside the folder, nothing else.
    @Test func anything_else_under_console_is_404() async throws {
        try await ServerFixture.run { _, client in
            for path in [
                "/console/nosuch.js", "/console/..%2Fopenapi.yaml", "/console/%2E%2E%2FPackage.swift", "/console/../openapi.yaml",
                "/console/index.html%00.js", "/console/Console", "/console/a/b.js",
            ] {
                let reply = try await client.call(.get, path, token: nil)
                #expect(reply.status == .notFound, "\(path): \(reply.status)")
                #expect(reply.headers[.contentType] == "application/json", "\(path)")
            }
        }
    }

    /// Every file the page and the modules refer to (`src`, `href`, `import … from "./x.js"`)
    /// is shipped and served: a renamed module cannot leave the console broken.
    @Test func every_file_the_console_refers_to_is_served() async throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        var referenced: Set<String> = []
        for name in names {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
            for pattern in [#"from "\./([A-Za-z0-9_-]+\.js)""#, #"(?:src|href)="/console/([A-Za-z0-9_.-]+)""#] {
                let regex = try Regex(pattern)
                for match in text.matches(of: regex) {
                    if let file = match.output[1].substring { referenced.insert(String(file)) }
                }
            }
        }
        #expect(referenced.isSuperset(of: ["app.js", "console.css", "api.js", "dom.js", "sample.js", "auto.js", "charts.js"]))
        let files = referenced.sorted()
        try await ServerFixture.run { _, client in
            for file in files {
                let reply = try await client.call(.get, "/console/\(file)", token: nil)
                #expect(reply.status == .ok, "\(file)")
            }
        }
    }
}
