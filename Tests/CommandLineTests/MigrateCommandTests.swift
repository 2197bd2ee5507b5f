#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// `labelledger migrate` through the built executable: the refusals only the command makes
/// (a data directory another process holds, a directory without a log), each exit status 1
/// with its stable code. The copy itself is `EventStoreCopyTests`.
@Suite struct MigrateCommandTests {
    func migrate(_ arguments: String...) async throws -> FinishedChild {
        let executable = try #require(BuiltExecutable.locate("labelledger"), "labelledger was not built beside the tests")
        return try await ChildProcess.run(executable, arguments: ["migrate"] + arguments, seconds: 60)
    }

    /// Holds `DIR/log/LOCK` exclusively, as a running server's log does; returns the descriptor.
    func holdLog(of directory: URL) throws -> Int32 {
        let log = directory.appendingPathComponent("log")
        try FileManager.default.createDirectory(at: log, withIntermediateDirectories: true)
        let fd = open(log.appendingPathComponent("LOCK").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        try #require(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        return fd
    }

    @Test func a_data_directory_a_server_holds_is_refused_as_source_and_as_target() async throws {
        let directory = TemporaryDirectory("migrate-held")
        defer { directory.cleanup() }
        let lock = try holdLog(of: directory.url)
        defer { close(lock) }
        // As the source: refused before any database is reached.
        let from = try await migrate("--from", directory.url.path, "--to", "postgres://nobody@/none?host=/nonexistent")
        #expect(from.status == 1, "\(from)")
        #expect(from.errors.contains("LabelLedger.Store.101"), "\(from)")

        let base: String
        switch await PostgresTestServer.baseURL() {
        case let .success(url): base = url
        case let .failure(unavailable): try Test.cancel(Comment(rawValue: unavailable.description))
        }
        let to = try await migrate("--from", PostgresTestServer.url(base, schema: PostgresTestServer.freshSchema()), "--to", directory.url.path)
        #expect(to.status == 1, "\(to)")
        #expect(to.errors.contains("LabelLedger.Store.101"), "\(to)")
    }

    @Test func a_source_directory_without_a_log_is_refused() async throws {
        let directory = TemporaryDirectory("migrate-empty")
        defer { directory.cleanup() }
        let run = try await migrate("--from", directory.url.path, "--to", "postgres://nobody@/none?host=/nonexistent")
        #expect(run.status == 1, "\(run)")
        #expect(run.errors.contains("LabelLedger.Store.104"), "\(run)")
    }

    @Test func both_sides_a_directory_is_a_usage_error() async throws {
        let run = try await migrate("--from", "/tmp/a", "--to", "/tmp/b")
        #expect(run.status == 64, "\(run)")
    }
}
