import ArgumentParser
import Foundation
import Hummingbird
import LabelLedgerCommandLine
import LedgerComposition
import LabelLedgerServer
import LabelingService
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (ModelArts-style v2 endpoints), the projector and the auto-labeling reactor.",
        discussion: """
            Everything is embedded in the data directory. On first start an admin token is \
            created and printed once (tokens are stored hashed). SIGTERM/SIGINT shut down \
            gracefully (exit status 0) once the server has said it listens; during start-up they \
            end the process at once, by the signal (every step of a start is crash-safe). The log \
            is checked whole at start: a damaged or tampered log is refused, naming the position. \
            The API is described by GET /openapi.yaml.
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "A folder whose images may be added by path (repeatable).") var dataRoot: [String] = []
    @Option(help: "Largest request body in bytes (413 beyond).") var maxBodyBytes = 32 << 20
    @Option(help: "Most samples one request may name (413 beyond).") var maxSamplesPerRequest = 10_000
    @Option(help: "Seconds a connection may stay idle before it is closed.") var idleTimeout = 60
    @Flag(help: "Do not run the auto-labeling reactor in this process.") var noReactor = false
    @Option(help: "Auto-labeling tasks running at once.") var workers = 1
    @Option(help: ArgumentHelp(
        "Keep the log in this PostgreSQL store (postgres://user@host/database?schema=name), shared with other nodes.",
        discussion: "Default: the embedded log in the data directory. Each node keeps its own projections in its data directory."))
    var store: String?
    @Option(help: "Seconds between keep-alive comments on an open event stream (GET /v2/{project_id}/events), 1 to 3600.")
    var eventHeartbeat = Int(LedgerApplication.defaultEventHeartbeat.components.seconds)

    func validate() throws {
        guard (1...3600).contains(eventHeartbeat) else {
            throw ValidationError("--event-heartbeat must be a whole number of seconds from 1 to 3600")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "labelledger")
        logger.logLevel = .info
        let configuration = ServerConfiguration(
            dataDirectory: data.url, host: host, port: port, dataRoots: dataRoot.map { URL(fileURLWithPath: $0) },
            maxBodyBytes: maxBodyBytes, maxSamplesPerRequest: maxSamplesPerRequest, idleTimeout: .seconds(idleTimeout),
            runReactor: !noReactor, reactorWorkers: workers, storeURL: store)
        let runtime = try await LedgerRuntime(configuration: configuration)
        if try await runtime.tokens.count() == 0 {
            let token = try await runtime.tokens.create(name: "admin", role: .admin, project: nil)
            say("""
                First start: created an admin token (shown once, stored hashed):

                    \(token)

                Try:
                    curl -s -H 'Authorization: Bearer \(token)' http://\(host):\(port)/v2/demo/datasets
                    curl -s -X POST -H 'Authorization: Bearer \(token)' -H 'Content-Type: application/json' \\
                      -d '{"dataset_name":"pets","dataset_type":0,"labels":[{"name":"cat"},{"name":"dog"}]}' \\
                      http://\(host):\(port)/v2/demo/datasets

                """)
        }
        // The command line's credential for this run only (never stored): advertised with
        // the address in server/serving.json (mode 0600) while the server listens.
        let directory = data.directory
        let advertised = runtime.tokens.createProcessToken(name: "labelledger-cli")
        let head = runtime.log.head
        let app = LedgerApplication.build(runtime: runtime, logger: logger, eventHeartbeat: .seconds(eventHeartbeat)) { [host, logger] bound in
            let notice = ServerAdvertisement(pid: getpid(), url: "http://\(Self.urlHost(host)):\(bound)", token: advertised)
            do {
                try notice.write(in: directory)
            } catch {
                logger.warning("could not advertise the server in \(directory.serverAdvertisement.path): \(error)")
            }
            say("LabelLedger listening on http://\(host):\(bound) (data: \(directory.url.path), log head \(head))")
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: app), .init(service: LedgerService(runtime: runtime))], logger: logger))
        let signals = ShutdownSignals(group: group)
        defer { ServerAdvertisement.remove(in: directory) }
        try await group.run()
        withExtendedLifetime(signals) {}
    }
}

extension ServeCommand {
    /// The host the command line should call: a wildcard address is reached on loopback.
    static func urlHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "[::1]"
        default: host.contains(":") ? "[\(host)]" : host
        }
    }
}

/// Prints straight to standard output (unbuffered), so the first token shows even when piped.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
