import Dispatch
import Foundation
import FuzzSupport
import HTTPTypes
import Hummingbird
import LabelLedgerServer
import LedgerComposition
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded

/// The product's HTTP API — ``LedgerApplication/router(runtime:eventHeartbeat:)`` over a
/// ``LedgerRuntime`` on a scratch data directory, every middleware and route as served —
/// answering one request at a time in process, for the HTTP fuzz targets (no socket: the
/// request reaches the router as Hummingbird's HTTP/1 channel would hand it over).
///
/// Project `demo` holds a classification dataset (labels `cat`, `dog`) and a detection
/// dataset (labels `car`, `person`), three samples each (one labelled), made through the
/// API itself. Fuzzed requests name them `$D` and `$B`, their samples `$S0`…`$S5` (see
/// ``expand(_:)``), so that requests reach real datasets and samples.
///
/// ```swift
/// let server = InProcessServer.shared
/// let reply = server.call(.get, server.expand("/v2/demo/datasets/$D/data-annotations/samples?limit=5"))
/// InProcessServer.check(reply, "GET samples")
/// ```
public final class InProcessServer: @unchecked Sendable {
    /// One per process: libFuzzer calls the target on one thread.
    public nonisolated(unsafe) static var shared = InProcessServer()

    public struct Reply: Sendable {
        public var status: Int
        public var headers: HTTPFields
        public var body: Data
    }

    private let root: URL
    private let runtime: LedgerRuntime
    private let responder: RouterResponder<LedgerRequestContext>
    private let token: String
    /// The ids the server gave the classification (`$D`) and detection (`$B`) datasets.
    public private(set) var datasetIDs: [String] = []
    /// `$S0`…`$S2` in `$D`, `$S3`…`$S5` in `$B`.
    public private(set) var sampleIDs: [String] = []
    private var calls = 0

    private init() {
        root = ScratchDirectory.shared.root.appendingPathComponent("server-\(UUID().uuidString)", isDirectory: true)
        let root = self.root
        let (runtime, token) = Self.blocking {
            let runtime = try await LedgerRuntime(configuration: ServerConfiguration(dataDirectory: root, runReactor: false))
            return (runtime, try await runtime.tokens.create(name: "ada", role: .admin, project: nil))
        }
        self.runtime = runtime
        self.token = token
        responder = LedgerApplication.router(runtime: runtime).buildResponder()
        seed()
    }

    /// Starts over on a new data directory: mutating targets call it now and then, so that
    /// the state they build up stays small.
    public static func restart() {
        let old = shared
        blocking { await old.runtime.close() }
        try? FileManager.default.removeItem(at: old.root)
        shared = InProcessServer()
    }

    /// Sends one request and waits for the whole answer.
    public func call(_ method: HTTPRequest.Method, _ target: String, body: Data? = nil) -> Reply {
        calls += 1
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(token)"
        if let body {
            fields[.contentType] = "application/json"
            fields[.contentLength] = String(body.count)
        }
        let head = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: target, headerFields: fields)
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: body ?? Data())))
        let responder = self.responder
        // The connection's channel ends with the request, as a client's connection would: a
        // channel never closed keeps its pipeline (a reference cycle) for good: every request
        // leaked one, and FuzzHTTPBody ran out of memory (README, Fuzzing). Made and finished
        // on this thread, the one its event loop belongs to.
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        return Self.blocking {
            let context = LedgerRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: Self.logger))
            let response = try await responder.respond(to: request, context: context)
            let collector = Collector()
            try await response.body.write(collector)
            return Reply(status: Int(response.status.code), headers: response.headers, body: collector.bytes.withLockedValue { $0 })
        }
    }

    /// `$D`, `$B` and `$S0`…`$S5` replaced by the dataset and sample ids they stand for.
    public func expand(_ text: String) -> String {
        guard text.contains("$") else { return text }
        var out = text
        for (i, id) in sampleIDs.enumerated().reversed() { out = out.replacingOccurrences(of: "$S\(i)", with: id) }
        out = out.replacingOccurrences(of: "$D", with: datasetIDs[0])
        return out.replacingOccurrences(of: "$B", with: datasetIDs[1])
    }

    /// `bytes` as a client puts them on a request line: a byte that HTTP/1 cannot carry
    /// there (outside `!`…`~`) percent-encoded, everything else (`%`, `&`, `=`, `#` …) as it is.
    public static func requestTarget(_ bytes: some Sequence<UInt8>) -> String {
        var out = ""
        for byte in bytes {
            if byte >= 0x21, byte <= 0x7E {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// The server's promise for any request: no 5xx, and every refusal carries a stable
    /// code in the JSON error document. Ends the run (a finding) otherwise.
    public static func check(_ reply: Reply, _ what: @autoclosure () -> String) {
        let text = String(decoding: reply.body.prefix(600), as: UTF8.self)
        fuzzRequire(reply.status < 500, "\(reply.status) for \(what()): \(text)")
        if reply.status >= 400 {
            let json = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any]
            let code = json?["error_code"] as? String ?? ""
            fuzzRequire(
                code.hasPrefix("LabelLedger.") || code.hasPrefix("ModelArts."),
                "\(reply.status) without a stable code for \(what()): \(text)")
        }
    }

    // MARK: - Setup

    private static let logger: Logger = {
        var logger = Logger(label: "fuzz.http")
        logger.logLevel = .critical
        return logger
    }()

    private func seed() {
        for (id, type, labels) in [("d", 0, ["cat", "dog"]), ("b", 1, ["car", "person"])] {
            let create = #"{"dataset_name":"\#(id)","dataset_type":\#(type),"labels":[{"name":"\#(labels[0])"},{"name":"\#(labels[1])"}]}"#
            let created = call(.post, "/v2/demo/datasets", body: Data(create.utf8))
            fuzzRequire(created.status == 201 || created.status == 200, "seed: \(String(decoding: created.body, as: UTF8.self))")
            let datasetID = ((try? JSONSerialization.jsonObject(with: created.body)) as? [String: Any])?["dataset_id"] as? String ?? ""
            fuzzRequire(!datasetID.isEmpty, "seed: no dataset id in \(String(decoding: created.body, as: UTF8.self))")
            datasetIDs.append(datasetID)
            let png = SmallFiles.png.base64EncodedString()
            let box = type == 1 ? #","property":{"@modelarts:shape":"bndbox","@modelarts:coordinates":[[0,0],[1,1]]}"# : ""
            let add = #"{"samples":[{"name":"a.png","data":"\#(png)","labels":[{"name":"\#(labels[0])"\#(box)}]},"#
                + #"{"name":"b.png","data":"\#(png)"},{"name":"c.png","data":"\#(png)"}]}"#
            let added = call(.post, "/v2/demo/datasets/\(datasetID)/data-annotations/samples", body: Data(add.utf8))
            let results = ((try? JSONSerialization.jsonObject(with: added.body)) as? [String: Any])?["results"] as? [[String: Any]] ?? []
            let ids = results.compactMap { $0["sample_id"] as? String }
            fuzzRequire(ids.count == 3, "seed: \(String(decoding: added.body, as: UTF8.self))")
            sampleIDs += ids
        }
    }

    // MARK: - Bridging

    private final class Box<T>: @unchecked Sendable { var result: Result<T, any Error>? }

    /// Runs `work` on the concurrency pool and blocks this (libFuzzer's, not a pool) thread
    /// until it ends; a thrown error ends the run.
    private static func blocking<T>(_ work: @escaping @Sendable () async throws -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        switch box.result! {
        case .success(let value): return value
        case .failure(let error): fatalError("in-process server: \(error)")
        }
    }

    private struct Collector: ResponseBodyWriter {
        let bytes = NIOLockedValueBox(Data())
        mutating func write(_ buffer: ByteBuffer) async throws {
            bytes.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
