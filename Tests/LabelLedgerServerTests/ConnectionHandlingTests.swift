import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
import LedgerComposition
@testable import LabelLedgerServer

/// HTTP/1.1 as the real server speaks it on a socket: requests the parser refuses get the
/// JSON error document, and idle connections are closed.
@Suite struct ConnectionHandlingTests {
    /// Runs the real server (`LedgerApplication.build`) on a free local port and gives `body`
    /// the port. The idle timeout is long unless a test is about it: on a loaded machine a
    /// short one can close a connection before its first bytes are read.
    static func withServer(
        name: String = #function, idleTimeout: Duration = .seconds(60),
        _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        let directory = TemporaryDirectory(name)
        defer { directory.cleanup() }
        let runtime = try await LedgerRuntime(configuration: ServerConfiguration(
            dataDirectory: directory.url, idleTimeout: idleTimeout, runReactor: false))
        do {
            try await LedgerApplication.build(runtime: runtime).test(.live) { client in
                try await body(try #require(client.port))
            }
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
    }

    /// Sends `request` on a fresh connection and reads until the server closes it.
    static func exchange(port: Int, _ request: [UInt8]) async throws -> (response: RawResponse?, closed: Bool) {
        try await Blocking.run {
            let connection = try RawConnection.open(port: port)
            defer { connection.close() }
            connection.send(request)
            // A generous deadline: a loaded test process may take long to answer; a server
            // that never answers or never closes still fails the test.
            let (bytes, closed) = connection.readUntilClosed(deadline: .now + .seconds(120))
            return (RawResponse(bytes), closed)
        }
    }

    @Test func a_malformed_request_line_gets_the_json_error_document() async throws {
        try await Self.withServer { port in
            let (response, closed) = try await Self.exchange(port: port, Array("GET /health HTTP/9 x\r\nHost: a\r\n\r\n".utf8))
            let reply = try #require(response)
            #expect(reply.status == 400, "\(reply.statusLine)")
            #expect(reply.json["error_code"] as? String == "LabelLedger.API.4320")
            #expect((reply.json["error_msg"] as? String)?.isEmpty == false)
            #expect(reply.headers.contains { $0.lowercased() == "content-type: application/json" })
            #expect(closed, "the connection is closed after a malformed request")
        }
    }

    @Test func headers_over_the_limit_get_431_with_the_json_error_document() async throws {
        try await Self.withServer { port in
            let padding = String(repeating: "a", count: 100_000)
            let (response, _) = try await Self.exchange(
                port: port, Array("GET /health HTTP/1.1\r\nHost: a\r\nX-Padding: \(padding)\r\n\r\n".utf8))
            let reply = try #require(response)
            #expect(reply.status == 431, "\(reply.statusLine)")
            #expect(reply.json["error_code"] as? String == "LabelLedger.API.4321")
            #expect((reply.json["error_msg"] as? String)?.contains("\(LedgerApplication.maxHeaderBytes)") == true)
        }
    }

    @Test func a_well_formed_request_is_answered_as_before() async throws {
        try await Self.withServer { port in
            let (response, _) = try await Self.exchange(port: port, Array("GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".utf8))
            #expect(try #require(response).status == 200)
        }
    }

    @Test func an_idle_connection_is_closed_after_the_idle_timeout() async throws {
        try await Self.withServer(idleTimeout: .milliseconds(300)) { port in
            // Nothing sent at all.
            let (silent, closedSilent) = try await Self.exchange(port: port, [])
            #expect(silent == nil)
            #expect(closedSilent, "a connection that never sends a request is closed")
            // A keep-alive connection after its answer.
            let (answered, closedAnswered) = try await Self.exchange(port: port, Array("GET /health HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
            #expect(answered?.status == 200)
            #expect(closedAnswered, "a keep-alive connection idle after its answer is closed")
        }
    }
}
