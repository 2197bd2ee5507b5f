import EventLog
import Foundation
import LabelingDomain
import Testing
@testable import LabelingService

/// A data directory with a log and a service over it, removed at the end.
struct ServiceFixture {
    let root: URL
    let log: EventLog
    let service: DatasetService

    init(
        root: URL? = nil, snapshotEvery: UInt64 = 50_000, configuration: EventLogConfiguration = .init(durability: .none),
        name: String = #function
    ) throws {
        let root = root ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("labelledger-service-tests")
            .appendingPathComponent("\(name.filter { $0.isLetter })-\(UUID().uuidString.prefix(8))")
        self.root = root
        log = try EventLog.open(directory: root.appendingPathComponent("log"), configuration: configuration)
        service = DatasetService(
            log: log, snapshotDirectory: root.appendingPathComponent("snapshots"), snapshotEvery: snapshotEvery)
    }

    /// A second service over the same log and snapshots (another process's view, or a restart).
    func sibling(snapshotEvery: UInt64 = 50_000) -> DatasetService {
        DatasetService(log: log, snapshotDirectory: root.appendingPathComponent("snapshots"), snapshotEvery: snapshotEvery)
    }

    func cleanup() { try? FileManager.default.removeItem(at: root) }
}

let now = Instant(microsecondsSince1970: 1_760_000_000_000_000)

func sample(_ i: Int) -> NewSample {
    NewSample(
        id: SampleID("s\(i)"), name: "img-\(i).png", sourcePath: "/data/img-\(i).png", width: 32, height: 32,
        channels: 1, contentSHA256: String(repeating: "0", count: 56) + String(format: "%08x", i))
}

extension DatasetService {
    func createDigits(_ id: DatasetID = "digits", samples: Int) async throws {
        try await execute(
            .createDataset(id: id, name: "digits", typeCode: 0, labels: (0..<10).map { LabelDefinition(name: "\($0)", color: "#00000\($0)") },
                           description: "", by: "ana", at: now),
            on: id, actor: "ana")
        var added = 0
        while added < samples {
            let n = min(1000, samples - added)
            try await execute(.addSamples((added..<(added + n)).map(sample), by: "ana"), on: id, actor: "ana")
            added += n
        }
    }

    func label(_ ids: [Int], _ name: String, dataset: DatasetID = "digits", commandID: String? = nil) async throws -> CommandOutcome {
        try await execute(
            .updateSampleLabels(ids.map { SampleLabelUpdate(sampleID: SampleID("s\($0)"), labels: [ManualLabel(name: name)]) }, by: "ana"),
            on: dataset, actor: "ana", commandID: commandID)
    }
}

@Suite struct DatasetServiceTests {
    @Test func commands_are_decided_appended_and_reflected_in_the_state() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 20)
        let outcome = try await fixture.service.label([0, 1, 2], "7")
        #expect(outcome.decision.results.allSatisfy { $0.success })
        #expect(outcome.append?.lastVersion == outcome.version)
        let state = try #require(try await fixture.service.state(of: "digits"))
        #expect(state.samples["s1"]?.state == .labeled)
        #expect(state.samples["s5"]?.state == .unlabeled)
        #expect(state.version == fixture.log.version(of: StreamNames.dataset("digits")))
        let events = try fixture.log.read(stream: StreamNames.dataset("digits"))
        #expect(events.last?.actor == "ana")
    }

    @Test func a_refused_command_throws_the_rule_and_appends_nothing() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 10)
        let head = fixture.log.head
        await #expect(throws: ServiceError.self) {
            try await fixture.service.execute(.rejectSamples([], by: "ana"), on: "digits", actor: "ana")
        }
        do {
            _ = try await fixture.service.execute(
                .requestAutoLabeling(taskID: "t1", type: .autoLabel, algorithm: .fast, model: nil, targetAccuracy: nil, by: "ana", at: now),
                on: "digits", actor: "ana")
            Issue.record("auto labeling without labeled samples was accepted")
        } catch {
            #expect(error.code == "ModelArts.4406")
            #expect(error.httpStatus == 400)
        }
        #expect(fixture.log.head == head)
    }

    @Test func a_batch_reports_each_sample_and_appends_the_good_ones_in_one_append() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 10_000)
        let head = fixture.log.head
        var updates = (0..<10_000).map { SampleLabelUpdate(sampleID: SampleID("s\($0)"), labels: [ManualLabel(name: "\($0 % 10)")]) }
        updates[17].labels = [ManualLabel(name: "not-a-label")]
        updates[9_999].sampleID = "missing"
        let outcome = try await fixture.service.execute(.updateSampleLabels(updates, by: "ana"), on: "digits", actor: "ana")
        #expect(outcome.decision.results.count == 10_000)
        #expect(outcome.decision.results.filter { !$0.success }.map(\.sampleID) == ["s17", "missing"])
        #expect(outcome.append.map { $0.firstPosition == head + 1 } == true)
        #expect(fixture.log.head == head + UInt64(outcome.decision.events.count))
        let state = try #require(try await fixture.service.state(of: "digits"))
        #expect(state.samples["s17"]?.state == .unlabeled)
        #expect(state.samples["s18"]?.state == .labeled)
    }

    @Test func a_repeated_command_id_appends_nothing() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 10)
        let first = try await fixture.service.label([1], "3", commandID: "req-1")
        let head = fixture.log.head
        let again = try await fixture.service.label([1], "3", commandID: "req-1")
        #expect(again.deduplicated)
        #expect(again.append?.firstPosition == first.append?.firstPosition)
        #expect(fixture.log.head == head)
    }

    @Test func a_stale_writer_catches_up_and_decides_again() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 10)
        let other = fixture.sibling()
        _ = try await other.state(of: "digits")
        // The first service moves the dataset on; the other's state is now behind.
        _ = try await fixture.service.label([1], "3")
        _ = try await other.label([2], "4")
        let state = try #require(try await other.state(of: "digits"))
        #expect(state.samples["s1"]?.labels.map(\.name) == ["3"])
        #expect(state.samples["s2"]?.labels.map(\.name) == ["4"])
        #expect(try await fixture.service.state(of: "digits") == state)
    }

    @Test func a_restart_loads_the_snapshot_and_replays_only_what_follows() async throws {
        let fixture = try ServiceFixture(snapshotEvery: 5)
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 300)
        for i in 0..<20 { _ = try await fixture.service.label([i], "\(i % 10)") }
        let version = try await fixture.service.snapshot("digits")
        _ = try await fixture.service.label([100, 101], "5")
        let expected = try #require(try await fixture.service.state(of: "digits"))

        let restarted = fixture.sibling()
        let loaded = try #require(try await restarted.state(of: "digits"))
        #expect(loaded == expected)
        let report = try #require(await restarted.loadReport("digits"))
        #expect(report.snapshotVersion == version)
        #expect(report.replayedEvents == 1)
    }

    /// A deleted dataset keeps no snapshot: deleting removes it, and a start that finds one
    /// left from before (older code, or a crash between the append and the removal) removes it.
    @Test func deleting_a_dataset_removes_its_snapshot() async throws {
        let fixture = try ServiceFixture(snapshotEvery: 5)
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 300)
        for i in 0..<10 { _ = try await fixture.service.label([i], "\(i % 10)") }
        let version = try await fixture.service.snapshot("digits")
        let url = fixture.service.snapshots.url(for: "digits", version: version)
        let leftOver = try Data(contentsOf: url)
        _ = try await fixture.service.execute(.deleteDataset(by: "ana", at: now), on: "digits", actor: "ana")
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(try await fixture.service.snapshot("digits") == 0)  // nothing written
        #expect(!FileManager.default.fileExists(atPath: url.path))

        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try leftOver.write(to: url)
        let restarted = fixture.sibling()
        #expect(try await restarted.info(of: "digits")?.deletion != nil)
        #expect(try await restarted.state(of: "digits") == nil)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func snapshots_of_another_format_or_another_log_or_damaged_are_ignored() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 50)
        _ = try await fixture.service.label([1, 2], "1")
        let version = try await fixture.service.snapshot("digits")
        let expected = try #require(try await fixture.service.state(of: "digits"))
        let url = fixture.service.snapshots.url(for: "digits", version: version)
        let original = try Data(contentsOf: url)

        // Another state format: rewrite the version field and its checksum.
        var otherFormat = [UInt8](original)
        otherFormat[8] = 99
        let crc = CRC32C.checksum(Array(otherFormat[..<(otherFormat.count - 4)]))
        withUnsafeBytes(of: crc.littleEndian) { otherFormat.replaceSubrange((otherFormat.count - 4)..., with: $0) }
        try Data(otherFormat).write(to: url)
        #expect(fixture.service.snapshots.load("digits", log: fixture.log).rejection == .otherStateFormat(99))

        var damaged = [UInt8](original)
        damaged[damaged.count / 2] ^= 0xFF
        try Data(damaged).write(to: url)
        #expect(fixture.service.snapshots.load("digits", log: fixture.log).rejection == .damaged)
        let restarted = fixture.sibling()
        #expect(try await restarted.state(of: "digits") == expected)
        #expect(await restarted.loadReport("digits")?.snapshotVersion == nil)

        // A snapshot taken from another log with the same dataset id.
        let elsewhere = try ServiceFixture(name: "elsewhere")
        defer { elsewhere.cleanup() }
        try await elsewhere.service.execute(
            .createDataset(id: "digits", name: "digits", typeCode: 0, labels: [LabelDefinition(name: "x", color: "#000000")],
                           description: "", by: "bob", at: now), on: "digits", actor: "bob")
        try await elsewhere.service.execute(.addSamples([sample(0)], by: "bob"), on: "digits", actor: "bob")
        let elsewhereVersion = try await elsewhere.service.snapshot("digits")
        try FileManager.default.removeItem(at: url)
        try FileManager.default.copyItem(
            at: elsewhere.service.snapshots.url(for: "digits", version: elsewhereVersion),
            to: fixture.service.snapshots.url(for: "digits", version: elsewhereVersion))
        #expect(fixture.service.snapshots.load("digits", log: fixture.log).rejection == .notInThisLog)
    }

    @Test func an_older_snapshot_never_replaces_a_newer_one() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 10)
        let older = try #require(try await fixture.service.state(of: "digits"))
        let olderPosition = try #require(try fixture.log.position(ofStream: StreamNames.dataset("digits"), version: older.version))
        let olderEvent = try #require(try fixture.log.read(from: olderPosition, limit: 1).first)
        _ = try await fixture.service.label([1], "3")
        let newer = try await fixture.service.snapshot("digits")
        let olderDataset = try #require(try DatasetReplay.replay("digits", log: fixture.log, upTo: olderPosition))
        #expect(olderDataset.state == older)
        try fixture.service.snapshots.save(DatasetSnapshot(dataset: olderDataset, eventID: olderEvent.eventID), of: "digits")
        let loaded = try fixture.service.snapshots.load("digits", log: fixture.log).get()
        #expect(loaded.version == newer)
    }

    @Test func the_model_registry_refuses_a_second_registration() async throws {
        let fixture = try ServiceFixture()
        defer { fixture.cleanup() }
        let ref = ModelRef(name: "digits-sklearn", version: "1.0")
        try await fixture.service.execute(
            .registerModel(ref, type: .imageClassification, commandLine: ["/usr/bin/true"], timeoutSeconds: 60, by: "ops", at: now),
            actor: "ops")
        await #expect(throws: ServiceError.self) {
            try await fixture.service.execute(
                .registerModel(ref, type: .imageClassification, commandLine: ["/usr/bin/true"], timeoutSeconds: 60, by: "ops", at: now),
                actor: "ops")
        }
        #expect(try await fixture.sibling().models().models[ref]?.type == .imageClassification)
    }
}

extension Result {
    var rejection: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}
