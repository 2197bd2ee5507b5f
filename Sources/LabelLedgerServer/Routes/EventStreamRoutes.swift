import AsyncAlgorithms
import Foundation
import HTTPTypes
import Hummingbird
import LabelingService
import LedgerComposition
import LedgerQueries
import NIOCore
import ServiceLifecycle

/// `GET /v2/{project_id}/events`: the log's events of one project as server-sent events
/// (`text/event-stream`), by position — the catch-up from `from_position`, then each new
/// event as it becomes durable.
///
/// Invariants: every event carries `id: <position>` (so a client's `Last-Event-ID` resumes
/// after it) and one `data:` line of JSON (``EventDTO``); positions strictly increase; only
/// the project's events are sent (``ProjectEventFeed``). `live=false` ends the answer at
/// the head as the reader reaches it. While open, the stream sends a comment line
/// `: keep-alive` every `heartbeat` (so proxies and load balancers keep an idle stream, and a
/// client that went away is noticed). A live stream ends — its response completes — as soon
/// as the server begins a graceful shutdown (or the log closes), so an open console never
/// holds up the server's drain.
struct EventStreamRoutes: Sendable {
    let support: RouteSupport
    /// The time between two keep-alive comments on an open stream.
    let heartbeat: Duration

    /// What the stream sends next: an event, a keep-alive comment, or its end.
    enum Part: Sendable {
        case event(ProjectEvent)
        case keepAlive
        case end
    }

    func register(on group: RouterGroup<LedgerRequestContext>) {
        group.get("events", use: events)
    }

    /// One event on the wire.
    struct EventDTO: Encodable {
        var position: UInt64
        var dataset_id: String?
        var type: String
        var version: UInt64
        var time: String
        var actor: String
        var task_id: String?
        var progress: Double?

        init(_ event: ProjectEvent) {
            position = event.position
            dataset_id = event.datasetID
            type = event.type
            version = event.version
            time = WireWriter.time(event.recordedAt)
            actor = event.actor
            task_id = event.taskID
            progress = event.progress.map { ($0 * 1_000_000).rounded() / 1_000_000 }
        }
    }

    @Sendable func events(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let project = try context.parameters.require("project_id")
        _ = try context.require(.labeler, project: project)
        let query = request.uri.queryParameters
        let head = support.runtime.queries.head
        var from = head + 1
        if let raw = query["from_position"] {
            guard let value = UInt64(raw), value >= 1 else {
                throw APIError.badRequest("from_position must be a log position (an integer ≥ 1)", code: "LabelLedger.API.4420")
            }
            from = value
        }
        // A reconnecting EventSource sends the last id it saw: resume right after it.
        if let raw = request.headers[.lastEventID] {
            guard let value = UInt64(raw.trimmingCharacters(in: .whitespaces)) else {
                throw APIError.badRequest("Last-Event-ID must be a log position (an integer)", code: "LabelLedger.API.4422")
            }
            // The largest position has no next one: it is beyond any head (4421 below).
            from = value == .max ? .max : value + 1
        }
        guard from <= head + 1 else {
            throw APIError.badRequest(
                "position \(from) is beyond the log's head \(head): from_position may be at most \(head + 1) (the next event)",
                code: "LabelLedger.API.4421")
        }
        var live = true
        if let raw = query["live"] {
            guard raw == "true" || raw == "false" else { throw APIError.badRequest("live must be true or false", code: "LabelLedger.API.4423") }
            live = raw == "true"
        }
        let feed = support.runtime.queries.events(ofProject: project, from: from, live: live)
        let opening = ": project \(project), from position \(from)\nretry: 2000\n\n"
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no",
        ]
        let heartbeat = heartbeat
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // Sent at once, so a client knows the stream is open before the first event.
            try await writer.write(ByteBuffer(string: opening))
            // One element at a time from each source (merge pulls on demand): memory stays
            // bounded by one frame of the log however slow the client reads.
            let (shutdown, stopping) = AsyncStream<Part>.makeStream()
            let parts = merge(
                chain(feed.map { Part.event($0) }, [Part.end].async),
                AsyncTimerSequence(interval: heartbeat, clock: .continuous).map { _ in Part.keepAlive },
                shutdown)
            try await withGracefulShutdownHandler {
                sending: for try await part in parts {
                    switch part {
                    case .event(let event):
                        var buffer = ByteBuffer(string: "id: \(event.position)\ndata: ")
                        buffer.writeBytes(try WireWriter.encode(EventDTO(event)))
                        buffer.writeString("\n\n")
                        try await writer.write(buffer)
                    case .keepAlive:
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    case .end:
                        // Leaving the loop ends the merge, which cancels the feed's wait.
                        break sending
                    }
                }
            } onGracefulShutdown: {
                stopping.yield(.end)
                stopping.finish()
            }
            try await writer.finish(nil)
        })
    }
}

extension HTTPField.Name {
    /// `Last-Event-ID`: the id of the last server-sent event a reconnecting client saw.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
