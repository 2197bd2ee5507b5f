import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif
@testable import LabelLedgerServer

/// `GET /v2/{project_id}/events`: the log's events of one project as server-sent events, by
/// position — catch-up, then live — and nothing of any other project.
@Suite struct EventStreamEndpointTests {
    /// One server-sent event: its `id:` and its decoded `data:` line.
    struct SentEvent {
        var id: UInt64
        var data: [String: Any]
        var type: String { data["type"] as? String ?? "" }
        var dataset: String? { data["dataset_id"] as? String }
    }

    /// The events of an SSE body (blocks separated by a blank line; comments skipped).
    static func parse(_ text: String) -> [SentEvent] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: UInt64?
            var data: [String: Any]?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = UInt64(line.dropFirst(4)) }
                if line.hasPrefix("data: ") {
                    data = (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8))) as? [String: Any]
                }
            }
            guard let id, let data else { return nil }
            return SentEvent(id: id, data: data)
        }
    }

    @Test func the_catch_up_holds_every_event_of_the_project_in_order_and_none_of_another() async throws {
        try await ServerFixture.run { fixture, client in
            let mine = try await client.createDataset()
            _ = try await client.addSamples(mine, count: 3, labels: ["cat"])
            // Another project's dataset, created by its own admin, interleaved with ours.
            let foreign = try await client.call(
                .post, "/v2/other/datasets", token: fixture.foreign, json: ["dataset_name": "theirs", "dataset_type": 0, "labels": [["name": "x"]]])
            #expect(foreign.status == .created)
            let foreignID = try #require(foreign.json["dataset_id"] as? String)
            let second = try await client.createDataset(type: 1, labels: ["box"])

            let reply = try await client.call(.get, "/v2/demo/events?from_position=1&live=false", token: fixture.labeler)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let events = Self.parse(reply.text)
            #expect(events.map(\.type) == ["DatasetCreated", "SamplesAdded", "DatasetCreated"])
            #expect(events.map(\.dataset) == [datasetID(of: mine), datasetID(of: mine), datasetID(of: second)])
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.id < $1.id }, "positions strictly increase")
            #expect(events.allSatisfy { ($0.data["position"] as? Int).map(UInt64.init) == $0.id }, "id is the position")
            #expect(!reply.text.contains(foreignID), "another project's event leaked")
            // The foreign project sees its own event only.
            let theirs = Self.parse(try await client.call(.get, "/v2/other/events?from_position=1&live=false", token: fixture.foreign).text)
            #expect(theirs.map(\.dataset) == [foreignID])
        }
    }

    @Test func from_position_and_last_event_id_resume_after_what_was_seen() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 2, labels: ["cat", "dog"])
            _ = try await client.addSamples(dataset, count: 2, prefix: "more")
            let all = Self.parse(try await client.call(.get, "/v2/demo/events?from_position=1&live=false", token: fixture.labeler).text)
            #expect(all.count == 3)
            let tail = Self.parse(try await client.call(.get, "/v2/demo/events?from_position=\(all[1].id)&live=false", token: fixture.labeler).text)
            #expect(tail.map(\.id) == [all[1].id, all[2].id])
            let resumed = try await client.call(
                .get, "/v2/demo/events?from_position=1&live=false", token: fixture.labeler, headers: [.lastEventID: "\(all[0].id)"])
            #expect(Self.parse(resumed.text).map(\.id) == [all[1].id, all[2].id])
        }
    }

    @Test func bad_positions_and_flags_are_400_with_their_codes_and_strangers_get_401_or_404() async throws {
        try await ServerFixture.run { fixture, client in
            _ = try await client.createDataset()
            let head = fixture.runtime.queries.head
            for bad in ["0", "-1", "abc", "1.5", ""] {
                expectError(try await client.call(.get, "/v2/demo/events?from_position=\(bad)&live=false", token: fixture.labeler), .badRequest, "LabelLedger.API.4420")
            }
            expectError(
                try await client.call(.get, "/v2/demo/events?from_position=\(head + 2)", token: fixture.labeler), .badRequest, "LabelLedger.API.4421")
            expectError(
                try await client.call(.get, "/v2/demo/events?from_position=\(UInt64.max)", token: fixture.labeler), .badRequest, "LabelLedger.API.4421")
            expectError(
                try await client.call(.get, "/v2/demo/events?live=false", token: fixture.labeler, headers: [.lastEventID: "x"]),
                .badRequest, "LabelLedger.API.4422")
            expectError(
                try await client.call(.get, "/v2/demo/events?live=false", token: fixture.labeler, headers: [.lastEventID: "\(UInt64.max)"]),
                .badRequest, "LabelLedger.API.4421")
            expectError(
                try await client.call(.get, "/v2/demo/events?from_position=1&live=maybe", token: fixture.labeler), .badRequest, "LabelLedger.API.4423")
            expectError(try await client.call(.get, "/v2/demo/events?from_position=1&live=false", token: nil), .unauthorized, "LabelLedger.API.401")
            expectError(
                try await client.call(.get, "/v2/demo/events?from_position=1&live=false", token: fixture.foreign), .notFound, "LabelLedger.API.404")
            // The next position is allowed: an empty catch-up.
            let empty = try await client.call(.get, "/v2/demo/events?from_position=\(head + 1)&live=false", token: fixture.labeler)
            #expect(empty.status == .ok)
            #expect(Self.parse(empty.text).isEmpty)
        }
    }

    /// Live: a client connected at the head receives an event appended afterwards, and the
    /// other project's event appended in between never reaches it.
    /// The server's graceful shutdown at the end ends the open stream (it used to wait for it).
    @Test func a_live_stream_delivers_new_events_of_the_project_only() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test(.live) { client in
            let port = try #require(client.client.port)
            let from = fixture.runtime.queries.head + 1
            let connection = try RawConnection.open(port: port)
            defer { connection.close() }
            connection.send(Array("GET /v2/demo/events?from_position=\(from) HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer \(fixture.labeler)\r\n\r\n".utf8))
            let opened = try await Blocking.run { connection.read(until: ": project demo", deadline: .now + .seconds(60)) }
            #expect(opened.contains("200 OK"), "\(opened)")
            let foreign = try await client.call(
                .post, "/v2/other/datasets", token: fixture.foreign, json: ["dataset_name": "theirs", "dataset_type": 0])
            let foreignID = try #require(foreign.json["dataset_id"] as? String)
            let mine = try await client.createDataset()
            let received = try await Blocking.run { connection.read(until: datasetID(of: mine), deadline: .now + .seconds(60)) }
            #expect(received.contains("\"type\":\"DatasetCreated\""), "\(received)")
            #expect(received.contains(datasetID(of: mine)))
            #expect(!received.contains(foreignID), "another project's event reached the stream")
        }
    }
}

extension RawConnection {
    /// Reads until the text read so far contains `marker`, the server closes, or `deadline` passes.
    func read(until marker: String, deadline: ContinuousClock.Instant) -> String {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while ContinuousClock.now < deadline {
            if String(decoding: received, as: UTF8.self).contains(marker) { break }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }
}
