#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Hummingbird
import LedgerComposition
import ServiceLifecycle
import Testing
import TestSupport
@testable import LabelLedgerServer

/// An open live event stream (`GET /v2/{project_id}/events`, as the console keeps one) never
/// holds up a server's stop, and a quiet stream is kept alive by `: keep-alive` comments.
@Suite struct EventStreamShutdownTests {
    /// The request that opens a live stream at the head of the log.
    static func openStream(port: Int, token: String, from: UInt64) throws -> RawConnection {
        let connection = try RawConnection.open(port: port)
        connection.send(Array(
            "GET /v2/demo/events?from_position=\(from) HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8))
        return connection
    }

    /// The real server in a service group of its own, with a live stream open: a graceful
    /// shutdown ends the stream (its chunked body completes, the connection closes) and the
    /// group returns — before the fix it waited for the stream forever.
    @Test func a_server_with_an_open_event_stream_stops_when_asked() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        let bound = AsyncStream<Int>.makeStream()
        let app = LedgerApplication.build(runtime: fixture.runtime) { port in
            bound.continuation.yield(port)
            bound.continuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: .init(label: "test")))
        let running = Task { try await group.run() }
        let port = try await withDeadline(60, waitingFor: "the server to listen") {
            try #require(await bound.stream.first { _ in true })
        }
        let head = fixture.runtime.queries.head
        let connection = try Self.openStream(port: port, token: fixture.labeler, from: head + 1)
        defer { connection.close() }
        let opened = try await Blocking.run { connection.read(until: ": project demo", deadline: .now + .seconds(60)) }
        #expect(opened.contains("200 OK"), "\(opened)")

        await group.triggerGracefulShutdown()
        do {
            try await withDeadline(60, waitingFor: "the server to stop with an event stream open") { try await running.value }
        } catch let error as DeadlineExceeded {
            running.cancel()
            throw error
        }
        let (rest, closed) = try await Blocking.run { connection.readUntilClosed(deadline: .now + .seconds(60)) }
        #expect(closed, "the server closes the stream's connection")
        #expect(String(decoding: rest, as: UTF8.self).hasSuffix("0\r\n\r\n"), "the chunked body ends properly: \(String(decoding: rest, as: UTF8.self))")
    }

    /// A quiet stream gets a comment line every heartbeat, before and after an event, and the
    /// event still arrives whole between them.
    @Test func a_quiet_stream_gets_keep_alive_comments_every_heartbeat() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        let app = Application(router: LedgerApplication.router(runtime: fixture.runtime, eventHeartbeat: .milliseconds(50)))
        try await app.test(.live) { testClient in
            let client = ServerFixture.Client(client: testClient, fixture: fixture)
            let port = try #require(testClient.port)
            let connection = try Self.openStream(port: port, token: fixture.labeler, from: fixture.runtime.queries.head + 1)
            defer { connection.close() }
            let first = try await Blocking.run { connection.read(until: ": keep-alive\n\n", deadline: .now + .seconds(60)) }
            #expect(first.contains(": project demo"), "\(first)")
            #expect(first.contains(": keep-alive\n\n"), "no keep-alive comment on a quiet stream: \(first)")
            let dataset = try await client.createDataset()
            let later = try await Blocking.run {
                connection.read(until: datasetID(of: dataset), deadline: .now + .seconds(60))
                    + connection.read(until: ": keep-alive\n\n", deadline: .now + .seconds(60))
            }
            // The body is chunked: its framing lines end in CRLF, the stream's own lines in LF.
            let events = EventStreamEndpointTests.parse(later.replacingOccurrences(of: "\r\n", with: "\n"))
            #expect(events.map(\.type) == ["DatasetCreated"], "\(later)")
            #expect(later.contains(": keep-alive\n\n"), "keep-alive comments go on after an event: \(later)")
        }
    }

    /// `labelledger serve` with a live stream open stops on SIGTERM with exit status 0 and
    /// ends the stream (the console's connection is closed, not left hanging).
    @Test func serve_with_an_open_event_stream_exits_0_on_sigterm() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let server = try await ServerProcess.start(data: directory.file("data"), token: nil, log: directory.file("serve.log"))
        let created = try await server.call("POST", "/v2/demo/datasets", json: [
            "dataset_name": "pets", "dataset_type": 0, "labels": [["name": "cat"]],
        ])
        #expect(created.status == 201, "\(created.text)")
        let connection = try Self.openStream(port: server.port, token: server.token, from: 1)
        defer { connection.close() }
        let caughtUp = try await Blocking.run { connection.read(until: "DatasetCreated", deadline: .now + .seconds(60)) }
        #expect(caughtUp.contains("200 OK"), "\(caughtUp)")

        try await server.stop(with: SIGTERM, seconds: 60)
        let finished = try await server.process.finish()
        #expect(!finished.killedBySignal && finished.status == 0, "\(finished)")
        let (_, closed) = try await Blocking.run { connection.readUntilClosed(deadline: .now + .seconds(10)) }
        #expect(closed, "the stream's connection is closed when the server exits")
    }
}
