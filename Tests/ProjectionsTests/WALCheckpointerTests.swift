import Foundation
import GRDB
import LabelingDomain
import Testing
import TestSupport
@testable import Projections

/// WAL checkpoints beside the writer instead of inside its commits.
@Suite struct WALCheckpointerTests {
    /// A WAL database whose connections carry `checkpointer`'s hook.
    private func pool(_ directory: TemporaryDirectory, _ checkpointer: WALCheckpointer) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { db in checkpointer.install(on: db) }
        let pool = try DatabasePool(path: checkpointer.path, configuration: configuration)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
        return pool
    }

    private func walPages(_ path: String) throws -> Int {
        let size = (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        return size / 4096
    }

    @Test func commits_over_the_threshold_get_checkpointed_and_every_row_stays() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let checkpointer = WALCheckpointer(path: dir.file("db.sqlite").path, threshold: 8)
        let pool = try pool(dir, checkpointer)
        // One page of payload per commit: the WAL crosses 8 pages within a few commits.
        let body = Data(repeating: 7, count: 4000)
        for id in 1...200 {
            try pool.write { db in try db.execute(sql: "INSERT INTO t(id, body) VALUES (?, ?)", arguments: [id, body]) }
        }
        checkpointer.close()
        // The first commit over the threshold found none running and started one.
        #expect(checkpointer.completed.load(ordering: .relaxed) >= 1)
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 200)
        try pool.close()
        let reopened = try DatabaseQueue(path: checkpointer.path)
        #expect(try reopened.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 200)
    }

    @Test func without_a_checkpointer_running_the_hook_keeps_the_commit_from_checkpointing() throws {
        // The hook replaces SQLite's automatic checkpoint: closed, the checkpointer starts
        // nothing, and the WAL keeps every frame (200 commits of 1+ pages, threshold 8).
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let checkpointer = WALCheckpointer(path: dir.file("db.sqlite").path, threshold: 8)
        checkpointer.close()
        let pool = try pool(dir, checkpointer)
        let body = Data(repeating: 7, count: 4000)
        for id in 1...200 {
            try pool.write { db in try db.execute(sql: "INSERT INTO t(id, body) VALUES (?, ?)", arguments: [id, body]) }
        }
        #expect(checkpointer.completed.load(ordering: .relaxed) == 0)
        #expect(try walPages(checkpointer.path) >= 200)
        try pool.close()
    }

    @Test func live_generations_have_a_checkpointer_and_bulk_shadows_none() async throws {
        let fixture = try ProjectionFixture()
        #expect(fixture.store.generation(.datasets).checkpointer != nil)
        let shadow = try fixture.store.makeShadow(.audit)
        #expect(shadow.checkpointer == nil)
        shadow.isObsolete.store(true, ordering: .releasing)
        await fixture.cleanup()
    }
}
