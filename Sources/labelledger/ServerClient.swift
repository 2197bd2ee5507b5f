import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LabelingService
import LedgerComposition

/// The command line's way to a running server (the one ``ServerAdvertisement`` names): posts
/// a JSON request to an admin endpoint, hands each progress ``AdminStreamRecord`` line of the
/// streamed answer to `handle` as it arrives, and returns the outcome (the last record).
///
/// Invariants: records are handed over in order, each once, only whole lines; a refusal
/// before the stream (a 4xx/5xx with the API's error document) and a stream that ends without
/// an outcome record both throw a ``CommandFailure`` naming the server.
struct ServerClient: Sendable {
    let server: ServerAdvertisement

    func post(_ path: String, body: some Encodable, handle: (AdminStreamRecord) -> Void) async throws -> AdminStreamRecord {
        guard let url = URL(string: server.url + path) else { throw CommandFailure("the server's address \(server.url) is not a URL") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("Bearer \(server.token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(body)
        // No client-side timeout: an import or rebuild takes as long as its data needs.
        request.timeoutInterval = 7 * 24 * 3600
        let (lines, continuation) = AsyncThrowingStream<LineReader.Item, any Error>.makeStream()
        let reader = LineReader(continuation: continuation)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForResource = 7 * 24 * 3600
        let session = URLSession(configuration: configuration, delegate: reader, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: request).resume()
        var status = 0
        var errorBody = Data()
        var outcome: AdminStreamRecord?
        for try await item in lines {
            switch item {
            case let .status(code): status = code
            case let .line(bytes):
                guard status == 200 else {
                    errorBody.append(bytes)
                    continue
                }
                guard let record = try? JSONDecoder().decode(AdminStreamRecord.self, from: bytes) else {
                    throw CommandFailure("the server at \(server.url) sent a line this command cannot read: \(String(decoding: bytes, as: UTF8.self))")
                }
                switch record {
                case .imported, .rebuilt, .failed: outcome = record
                default: handle(record)
                }
            }
        }
        guard status == 200 else {
            let document = (try? JSONSerialization.jsonObject(with: errorBody)) as? [String: Any]
            let code = document?["error_code"] as? String ?? "HTTP \(status)"
            let message = document?["error_msg"] as? String ?? String(decoding: errorBody, as: UTF8.self)
            throw CommandFailure("[\(code)] \(message) (server at \(server.url))")
        }
        guard let outcome else { throw CommandFailure("the server at \(server.url) ended the answer before the outcome") }
        return outcome
    }
}

/// Splits a streamed answer into lines as its bytes arrive (URLSession's delegate callbacks).
final class LineReader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Item: Sendable {
        case status(Int)
        case line(Data)
    }

    private let continuation: AsyncThrowingStream<Item, any Error>.Continuation
    /// Bytes after the last newline; touched only on the session's serial delegate queue.
    private var pending = Data()

    init(continuation: AsyncThrowingStream<Item, any Error>.Continuation) {
        self.continuation = continuation
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        continuation.yield(.status((response as? HTTPURLResponse)?.statusCode ?? 0))
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        pending.append(data)
        while let newline = pending.firstIndex(of: 0x0A) {
            let line = pending[pending.startIndex..<newline]
            if !line.isEmpty { continuation.yield(.line(Data(line))) }
            pending = Data(pending[(newline + 1)...])
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if !pending.isEmpty { continuation.yield(.line(pending)) }
        pending = Data()
        if let error {
            continuation.finish(throwing: CommandFailure("the server did not answer: \(error.localizedDescription)"))
        } else {
            continuation.finish()
        }
    }
}
