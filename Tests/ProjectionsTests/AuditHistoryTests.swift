import EventLog
import Foundation
import GRDB
import LabelingDomain
import LabelingService
import TestSupport
import Testing
@testable import Projections

/// The audit index answers "who did what to sample X, when, and what did the model say
/// first" by sample, dataset, actor and time range, with before → after.
@Suite struct AuditHistoryTests {
    @Test func sample_history_shows_each_change_with_before_and_after() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 61)
        try await w.create(samples: 40)
        try await w.seedLabels(perLabel: 6)
        let target = SampleID("s9")  // last in id order: not among the seeded labels
        try await fixture.service.execute(.updateSampleLabels([SampleLabelUpdate(sampleID: target, labels: [ManualLabel(name: "cat")])], by: "ana"),
            on: "ds", actor: "ana", commandID: "label-1")
        try await fixture.service.execute(.updateSampleLabels([SampleLabelUpdate(sampleID: target, labels: [])], by: "ben"),
            on: "ds", actor: "ben", commandID: "clear-1")
        try await w.run(.requestAutoLabeling(taskID: "t1", type: .autoLabel, algorithm: .fast, model: nil, targetAccuracy: nil,
            by: "ana", at: w.now()), actor: "ana")
        try await w.run(.startTask("t1", at: w.now()), actor: "auto-labeling")
        try await w.run(.runTask("t1", at: w.now()), actor: "auto-labeling")
        try await w.run(.recordAutoLabels("t1", [SamplePrediction(sampleID: target, labels: [PredictedLabel(name: "dog", score: 0.61)])]),
            actor: "auto-labeling")
        try await w.run(.recordHardExamples("t1", [HardExampleReport(sampleID: target, reasonCodes: [1, 2], coefficient: 0.75)]),
            actor: "auto-labeling")
        try await fixture.service.execute(.confirmSamples([SampleConfirmation(sampleID: target, correctedLabels: [ManualLabel(name: "bird")])], by: "chen"),
            on: "ds", actor: "chen", commandID: "confirm-1")
        try await fixture.projector.catchUp()

        let trail = try fixture.queries.history(HistoryQuery(.sample(target, dataset: "ds")))
        #expect(trail.map(\.whatChanged) == [
            "added: unlabeled",
            "labels: unlabeled → labeled [cat]",
            "labels: labeled [cat] → unlabeled",
            "auto-labeled: unlabeled → toBeConfirmed [dog 0.610]",
            "hard: not hard → hard [1,2] 0.750",
            "confirmed: toBeConfirmed [dog 0.610] → labeled [bird]",
        ])
        #expect(trail.map(\.actor) == ["importer", "ana", "ben", "auto-labeling", "auto-labeling", "chen"])
        #expect(trail[1].commandID == "label-1" && trail[5].commandID == "confirm-1")
        #expect(trail.map(\.position) == trail.map(\.position).sorted())
        // Positions and times are the log's.
        for entry in trail {
            let event = try #require(try fixture.log.read(from: entry.position, limit: 1).first)
            #expect(event.position == entry.position && event.actor == entry.actor && event.recordedAt == entry.recordedAt)
        }
        // Without a dataset the sample id is searched in every dataset.
        #expect(try fixture.queries.history(HistoryQuery(.sample(target, dataset: nil))).count == trail.count)
        #expect(try fixture.queries.history(HistoryQuery(.sample("nope", dataset: "ds"))).isEmpty)
        await fixture.cleanup()
    }

    @Test func dataset_and_actor_histories_are_complete_and_time_bounded() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 62)
        try await w.generate(samples: 50, steps: 60)
        var other = Workload(service: fixture.service, dataset: "other", seed: 63)
        try await other.generate(samples: 10, steps: 10)
        try await fixture.projector.catchUp()

        let streamEvents = try fixture.log.read(stream: StreamNames.dataset("ds"))
        let datasetTrail = try fixture.queries.history(HistoryQuery(.dataset("ds")))
        #expect(datasetTrail.map(\.position) == streamEvents.map(\.position))
        #expect(datasetTrail.map(\.type) == streamEvents.map(\.type))
        #expect(datasetTrail.allSatisfy { $0.dataset == "ds" && !$0.summary.isEmpty })

        let everything = try fixture.log.read(from: 1)
        for actor in ["ana", "ben", "auto-labeling", "ops"] {
            let expected = everything.filter { $0.actor == actor }.map(\.position)
            #expect(try fixture.queries.history(HistoryQuery(.actor(actor))).map(\.position) == expected, "actor \(actor)")
        }
        // Time range: inclusive bounds on recorded time.
        let since = datasetTrail[datasetTrail.count / 3].recordedAt
        let until = datasetTrail[2 * datasetTrail.count / 3].recordedAt
        let bounded = try fixture.queries.history(HistoryQuery(.dataset("ds"), since: since, until: until))
        #expect(bounded.map(\.position) == datasetTrail.filter { $0.recordedAt >= since && $0.recordedAt <= until }.map(\.position))
        #expect(!bounded.isEmpty)
        #expect(try fixture.queries.history(HistoryQuery(.dataset("ds"), since: Date(timeIntervalSinceNow: 3600))).isEmpty)
        // Every bound at, just before and just after each recorded time, against the log.
        let times = Set(everything.map(\.recordedAtMicros)).flatMap { [$0 - 1, $0, $0 + 1] }
        for since in times.sorted() where since % 3 == 0 {
            let until = since + 2_000
            let sinceDate = Date(timeIntervalSince1970: Double(since) / 1_000_000)
            let untilDate = Date(timeIntervalSince1970: Double(until) / 1_000_000)
            let expected = streamEvents.filter { $0.recordedAtMicros >= since && $0.recordedAtMicros <= until }.map(\.position)
            #expect(try fixture.queries.history(HistoryQuery(.dataset("ds"), since: sinceDate, until: untilDate)).map(\.position)
                == expected, "since \(since) until \(until)")
        }
        // Times outside the microsecond range bound nothing; a time that is not a number is refused.
        let far = Date(timeIntervalSince1970: 1e300)
        #expect(try fixture.queries.history(HistoryQuery(.dataset("ds"), since: far)).isEmpty)
        #expect(try fixture.queries.history(HistoryQuery(.dataset("ds"), until: far)).map(\.position) == datasetTrail.map(\.position))
        #expect(try fixture.queries.history(HistoryQuery(.dataset("ds"), since: Date(timeIntervalSince1970: -1e300)))
            .map(\.position) == datasetTrail.map(\.position))
        #expect(throws: ProjectionError.invalidQuery(field: "since", reason: "is not a time")) {
            try fixture.queries.history(HistoryQuery(.dataset("ds"), since: Date(timeIntervalSince1970: .nan)))
        }
        // Paging by position.
        let firstTen = try fixture.queries.history(HistoryQuery(.dataset("ds"), limit: 10))
        let rest = try fixture.queries.history(HistoryQuery(.dataset("ds"), afterPosition: firstTen.last!.position))
        #expect((firstTen + rest).map(\.position) == datasetTrail.map(\.position))
        await fixture.cleanup()
    }

    /// The time-to-position search on a table with gaps in its positions and runs of equal
    /// times, against a scan, for every bound in and around the times.
    @Test func time_bounds_are_found_by_binary_search_over_positions() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: "CREATE TABLE audit_events(position INTEGER PRIMARY KEY, recorded_at INTEGER NOT NULL)")
            var rng = SeededGenerator(seed: 71)
            var position: Int64 = 0, time: Int64 = 100
            for _ in 0..<300 {
                position += Int64.random(in: 1...3, using: &rng)
                time += Int64.random(in: 0...2, using: &rng)
                try db.execute(sql: "INSERT INTO audit_events VALUES (?, ?)", arguments: [position, time])
            }
        }
        try db.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT position, recorded_at FROM audit_events ORDER BY position")
                .map { (position: $0[0] as Int64, time: $0[1] as Int64) }
            for micros in (rows.first!.time - 2)...(rows.last!.time + 2) {
                #expect(try ProjectionQueries.firstPosition(recordedAtOrAfter: micros, db)
                    == rows.first { $0.time >= micros }?.position, "at \(micros)")
            }
        }
        try DatabaseQueue().write { db in
            try db.execute(sql: "CREATE TABLE audit_events(position INTEGER PRIMARY KEY, recorded_at INTEGER NOT NULL)")
            #expect(try ProjectionQueries.firstPosition(recordedAtOrAfter: 0, db) == nil)
        }
    }
}
