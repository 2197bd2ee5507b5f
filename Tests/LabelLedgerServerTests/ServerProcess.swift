#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport

/// A real `labelledger serve` child process on a local port, and a small HTTP client for it:
/// for tests that stop the server with a signal and start it again on the same data directory.
final class ServerProcess: @unchecked Sendable {
    enum Failure: Error, CustomStringConvertible {
        case notBuilt
        case noToken(output: String)
        case notReady(String)
        case stillRunning(seconds: Double)

        var description: String {
            switch self {
            case .notBuilt: "labelledger was not built beside the tests"
            case .noToken(let output): "the first start printed no admin token: \(output)"
            case .notReady(let why): "the server did not come up: \(why)"
            case .stillRunning(let seconds): "the server was still running \(seconds) s after the signal"
            }
        }
    }

    struct Reply: Sendable {
        var status: Int
        var body: Data
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let process: ChildProcess
    let port: Int
    /// The admin token printed by the first start (the caller passes it on to later starts).
    let token: String

    private init(process: ChildProcess, port: Int, token: String) {
        self.process = process
        self.port = port
        self.token = token
    }

    /// Starts `labelledger serve --data <data>` on a free port and waits until `/health`
    /// answers (at most `seconds`). `token`: the admin token of an earlier start (nil: the
    /// data directory is new and the first start prints one). Standard error goes to `log`.
    static func start(
        data: URL, token: String?, log: URL, seconds: Double = 60, arguments extra: [String] = []
    ) async throws -> ServerProcess {
        guard let executable = BuiltExecutable.locate("labelledger") else { throw Failure.notBuilt }
        let port = try freePort()
        let process = try await ChildProcess.start(
            executable, arguments: ["serve", "--data", data.path, "--port", "\(port)"] + extra, errors: .file(log))
        // Everything up to the "listening" line; nothing else is printed on stdout.
        let output = await process.read { $0.contains("LabelLedger listening on") }
        // The token is the one indented line that is a single word.
        let printed = output.split(separator: "\n").first { $0.hasPrefix("    ") && !$0.dropFirst(4).contains(" ") }
        guard let token = token ?? printed.map({ String($0.dropFirst(4)) }) else {
            process.signal(SIGTERM)
            throw Failure.noToken(output: output)
        }
        let server = ServerProcess(process: process, port: port, token: token)
        let deadline = Date().addingTimeInterval(seconds)
        while (try? await server.call("GET", "/health"))?.status != 200 {
            guard !process.hasEnded else { throw Failure.notReady("exited: \(try await process.finish())") }
            guard Date() < deadline else {
                server.signal(SIGKILL)
                throw Failure.notReady("no answer from /health within \(seconds) s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return server
    }

    /// Sends `signal` and waits until the process has exited (at most `seconds`; then SIGKILL).
    func stop(with signal: Int32, seconds: Double = 60) async throws {
        self.signal(signal)
        let deadline = Date().addingTimeInterval(seconds)
        while !process.hasEnded {
            if Date() > deadline {
                self.signal(SIGKILL)
                throw Failure.stillRunning(seconds: seconds)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// One request with the admin token (and a JSON body if given).
    @discardableResult
    func call(_ method: String, _ path: String, json: Any? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (body, response) = try await URLSession.shared.data(for: request)
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: body)
    }

    /// A port nobody listens on now (bound to port 0, read back, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.notReady("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure.notReady("could not bind a local port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
