import Foundation
import GRDB
import LabelingDomain
import Synchronization
import Testing
@testable import Projections

/// Rebuilds build a shadow from position 0 and swap it in while queries keep being
/// answered; a code-version mismatch (or a checkpoint beyond the log) rebuilds at start.
@Suite struct RebuildTests {
    @Test func queries_during_a_rebuild_all_succeed_and_writes_meanwhile_are_kept() async throws {
        let fixture = try ProjectionFixture(rebuildBatchSize: 40)
        var w = Workload(service: fixture.service, seed: 81)
        try await w.generate(samples: 80, steps: 120)
        try await fixture.projector.catchUp()
        let queries = fixture.queries
        let before = try allPages(queries, SampleQuery(dataset: "ds", limit: 100))
        let statsBefore = try queries.stats(of: "ds")
        let oldGeneration = fixture.store.generation(.datasets)
        let oldFile = oldGeneration.url
        let firstPage = try queries.samples(SampleQuery(dataset: "ds", tab: .all, limit: 10))

        // Queries from inside the rebuild (after every shadow transaction) and from a
        // concurrent reader; every one must succeed with the pre-rebuild answer.
        let answered = Mutex(0)
        let failures = Mutex<[String]>([])
        let check: @Sendable () -> Void = {
            do {
                let stats = try queries.stats(of: "ds")
                let page = try queries.samples(SampleQuery(dataset: "ds", tab: .labeled, limit: 20))
                if stats.sampleStats != statsBefore.sampleStats || page.samples.isEmpty {
                    failures.withLock { $0.append("stale or empty answer") }
                }
                answered.withLock { $0 += 1 }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        let stop = Atomic<Bool>(false)
        let reader = Task.detached {
            while !stop.load(ordering: .relaxed) { check() }
        }
        let report = try await fixture.projector.rebuild { _ in check() }
        stop.store(true, ordering: .relaxed)
        await reader.value

        #expect(failures.withLock { $0 } == [])
        #expect(answered.withLock { $0 } > 5)
        #expect(report.generations[.datasets] == 2 && report.generations[.tasks] == 2)
        #expect(try fixture.store.status(.datasets).generation == 2)
        // A reader still holding the old generation finishes there.
        let stillOld = try await oldGeneration.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM samples") }
        #expect(stillOld == before.count)
        // The rebuilt projection answers the same, and cursors made before still page on.
        #expect(try allPages(queries, SampleQuery(dataset: "ds", limit: 100)).map(\.id) == before.map(\.id))
        var next = SampleQuery(dataset: "ds", tab: .all, limit: 10)
        next.cursor = firstPage.nextCursor
        #expect(try queries.samples(next).samples.map(\.id) == Array(before.dropFirst(10).prefix(10)).map(\.id))
        // The old file goes once its last reader lets go.
        _ = consume oldGeneration
        #expect(!FileManager.default.fileExists(atPath: oldFile.path))

        // Writes after the rebuild land in the new generation; it equals a fresh replay.
        for _ in 0..<20 { try await w.step() }
        try await fixture.projector.catchUp()
        let (fresh, directory) = try await fixture.freshStore()
        for kind in ProjectionKind.allCases {
            #expect(try ProjectionDump.text(of: kind, in: fixture.store) == ProjectionDump.text(of: kind, in: fresh))
        }
        directory.cleanup()
        await fixture.cleanup()
    }

    @Test func events_appended_during_the_bulk_phase_are_in_the_installed_generation() async throws {
        let fixture = try ProjectionFixture(rebuildBatchSize: 25)
        var w = Workload(service: fixture.service, seed: 82)
        try await w.generate(samples: 60, steps: 80)
        try await fixture.projector.catchUp()
        let service = fixture.service
        let added = Mutex(0)
        let report = try await fixture.projector.rebuild { progress in
            // Appends while the shadow is being built (from the rebuild's own thread).
            guard added.withLock({ $0 }) < 3 else { return }
            let n = added.withLock { n in n += 1; return n }
            let semaphore = DispatchSemaphore(value: 0)
            Task {
                _ = try? await service.execute(.addSamples([newSample(10_000 + n)], by: "late"), on: "ds", actor: "late")
                semaphore.signal()
            }
            semaphore.wait()
        }
        #expect(added.withLock { $0 } == 3)
        #expect(report.checkpoint == fixture.log.head)
        #expect(try fixture.queries.sample("s10003", in: "ds") != nil)
        let (fresh, directory) = try await fixture.freshStore()
        #expect(try ProjectionDump.digest(of: .datasets, in: fixture.store) == ProjectionDump.digest(of: .datasets, in: fresh))
        directory.cleanup()
        await fixture.cleanup()
    }

    @Test func a_shadow_built_without_a_journal_is_installed_in_wal_mode() async throws {
        let fixture = try ProjectionFixture(rebuildBatchSize: 25)
        var w = Workload(service: fixture.service, seed: 83)
        try await w.generate(samples: 40, steps: 60)
        try await fixture.projector.catchUp()
        let journalDuringBulk = Mutex<[String]>([])
        let store = fixture.store
        try await fixture.projector.rebuild { _ in
            // The shadow (generation 2) during its bulk phase: not in WAL (journal_mode OFF is
            // the writer connection's own; another connection sees the file's rollback default).
            let shadow = store.directory.appendingPathComponent("datasets.000002.sqlite")
            if let mode = try? DatabaseQueue(path: shadow.path).read({ try String.fetchOne($0, sql: "PRAGMA journal_mode") }) {
                journalDuringBulk.withLock { $0.append(mode) }
            }
        }
        let seen = journalDuringBulk.withLock { $0 }
        #expect(!seen.isEmpty && !seen.contains("wal"), "journal modes seen during the bulk phase: \(seen)")
        for kind in ProjectionKind.allCases {
            let mode = try await store.database(kind).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal", "\(kind) after install")
        }
        // Live writes after the install go through the WAL and are applied.
        _ = try await fixture.service.execute(.addSamples([newSample(20_000)], by: "late"), on: "ds", actor: "late")
        try await fixture.projector.catchUp()
        #expect(try fixture.queries.sample("s20000", in: "ds") != nil)
        await fixture.cleanup()
    }

    @Test func an_empty_projection_beside_a_non_empty_log_is_built_in_bulk_at_start() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 84)
        try await w.generate(samples: 20, steps: 20)
        #expect(try await fixture.projector.start() == ProjectionKind.allCases)
        for kind in ProjectionKind.allCases {
            let status = try fixture.store.status(kind)
            #expect(status.generation == 2 && status.checkpoint == fixture.log.head)
        }
        #expect(try await fixture.projector.start() == [])
        await fixture.cleanup()
    }

    @Test func a_code_version_mismatch_triggers_a_rebuild_at_start() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 83)
        try await w.generate(samples: 30, steps: 30)
        try await fixture.projector.catchUp()
        #expect(try await fixture.projector.start() == [])
        let dumpBefore = try ProjectionDump.text(of: .datasets, in: fixture.store)
        // Pretend an older build wrote the datasets projection (and damage a row it would keep).
        try await fixture.store.database(.datasets).write { db in
            try db.execute(sql: "UPDATE projection_meta SET code_version = 0")
            try db.execute(sql: "UPDATE sample_stats SET total = -1")
        }
        let reopened = try ProjectionStore.open(directory: fixture.projectionDirectory)
        #expect(try reopened.status(.datasets).isStale)
        let projector = Projector(log: fixture.log, store: reopened)
        #expect(try await projector.start() == [.datasets])
        let status = try reopened.status(.datasets)
        #expect(status.generation == 2 && !status.isStale && status.checkpoint == fixture.log.head)
        #expect(try reopened.status(.tasks).generation == 1)
        #expect(try ProjectionDump.text(of: .datasets, in: reopened) == dumpBefore)
        await fixture.cleanup()
    }

    @Test func a_checkpoint_beyond_the_log_triggers_a_rebuild_at_start() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 84)
        try await w.generate(samples: 10, steps: 5)
        try await fixture.projector.catchUp()
        try await fixture.store.database(.tasks).write { db in
            try db.execute(sql: "UPDATE projection_meta SET checkpoint = 999999")
        }
        #expect(throws: ProjectionError.checkpointAheadOfLog(projection: "tasks", checkpoint: 999_999, head: fixture.log.head)) {
            try Projector.catchUp([fixture.store.generation(.tasks)], log: fixture.log, upTo: nil, batchSize: 10, progress: nil)
        }
        #expect(try await fixture.projector.start() == [.tasks])
        #expect(try fixture.store.checkpoint(.tasks) == fixture.log.head)
        await fixture.cleanup()
    }
}
