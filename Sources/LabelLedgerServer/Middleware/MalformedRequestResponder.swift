import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Gives the answer to a request the HTTP/1 parser refused — a malformed request line,
/// headers over the decoder's limits — the JSON error document every other error has.
///
/// Such a request never reaches the router: Hummingbird answers it itself with a bodiless
/// `400` and `Connection: close`. This handler sits between the HTTP codec and Hummingbird,
/// remembers the parser's error as it passes inbound, and rewrites that one answer on its
/// way out: `400 LabelLedger.API.4320` (malformed) or `431 LabelLedger.API.4321` (headers
/// too large), with a body. Every other response passes untouched.
///
/// Invariant: only a bodiless `400` written after a parser error is rewritten (the
/// routes' own errors always carry a body), so a response in flight when the error
/// arrived is never altered.
final class MalformedRequestResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The decoder's limit on all header lines together, for the message.
    private let maxHeaderBytes: Int
    /// Set by the parser's error, cleared once its answer is written.
    private var parserError: HTTPParserError?
    /// The body of the answer being rewritten, written just before its end.
    private var pendingBody: ByteBuffer?

    init(maxHeaderBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError { parserError = error }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let error = parserError else { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status == .badRequest && head.headerFields[.contentLength] == "0":
            let problem = problem(for: error)
            let body = ByteBuffer(bytes: problem.document)
            head.status = problem.status
            head.headerFields[.contentType] = "application/json"
            head.headerFields[.contentLength] = String(body.readableBytes)
            pendingBody = body
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end(let trailers) where pendingBody != nil:
            context.write(wrapOutboundOut(.body(pendingBody!)), promise: nil)
            pendingBody = nil
            parserError = nil
            context.write(wrapOutboundOut(.end(trailers)), promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    private func problem(for error: HTTPParserError) -> APIError {
        switch error {
        case .headerOverflow:
            APIError(
                .init(code: 431), code: "LabelLedger.API.4321",
                "the request line and headers exceed \(maxHeaderBytes) bytes (or a header field does)")
        default:
            APIError(
                .badRequest, code: "LabelLedger.API.4320",
                "the request is not valid HTTP/1.1 (\(Self.describe(error))); the connection is closed")
        }
    }

    private static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidMethod: "malformed method"
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort:
            "malformed request target"
        case .invalidVersion: "malformed HTTP version"
        case .invalidHeaderToken, .invalidCharactersUsed: "malformed header"
        case .invalidContentLength, .unexpectedContentLength: "malformed Content-Length"
        case .invalidChunkSize: "malformed chunked body"
        default: "malformed request"
        }
    }
}
