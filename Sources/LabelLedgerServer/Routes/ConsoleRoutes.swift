import Foundation
import Hummingbird
import NIOCore

/// The review console: static HTML, CSS and JavaScript modules shipped as the package's
/// resources (`Console/`), served without a token at `/console/` — they hold no data; every
/// data request the console makes goes to the API with the token the user enters.
///
/// Invariants: only the files of the shipped `Console` folder are served, by exact name
/// (read once, so no request can name a path outside it); anything else under `/console/`
/// is 404.
struct ConsoleRoutes: Sendable {
    func registerPublic(on router: Router<LedgerRequestContext>) {
        router.get("console") { _, _ in try Self.answer("index.html") }
        router.get("console/:file") { _, context in try Self.answer(try context.parameters.require("file")) }
    }

    struct File: Sendable {
        var bytes: Data
        var contentType: String
    }

    /// The console's files by name, read once from the bundle.
    static let files: [String: File] = {
        guard let folder = Bundle.module.url(forResource: "Console", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [:] }
        var files: [String: File] = [:]
        for name in names {
            guard let type = contentType(of: name),
                let bytes = try? Data(contentsOf: folder.appendingPathComponent(name))
            else { continue }
            files[name] = File(bytes: bytes, contentType: type)
        }
        return files
    }()

    static func contentType(of name: String) -> String? {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: nil
        }
    }

    static func answer(_ name: String) throws -> Response {
        guard let file = files[name] else { throw APIError.notFound("console file '\(name)'") }
        return Response(
            status: .ok,
            headers: [
                .contentType: file.contentType, .cacheControl: "no-cache",
                .init("Content-Security-Policy")!: "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; connect-src 'self'",
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
