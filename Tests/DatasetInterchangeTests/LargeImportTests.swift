import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Testing
import TestSupport
@testable import DatasetInterchange

/// Imports larger than one event may be: split into several `SamplesAdded` events, appended
/// as one commit group, all or nothing.
@Suite(.serialized) struct LargeImportTests {
    /// `count` image files (one small PNG, copied) under `folder/img/` and a manifest naming
    /// them all, labels alternating cat and dog, plus `extraLines`.
    ///
    /// Written on a thread of its own (``Blocking``) and without `fsync`: tens of thousands
    /// of synced writes on the cooperative pool held both of its threads for minutes on a
    /// busy disk and stalled every other test of a parallel run (the AsyncHTTPClient suites
    /// then failed at their client deadline).
    static func manifest(in folder: URL, count: Int, extraLines: [String] = []) async throws -> URL {
        try await Blocking.run {
            let images = folder.appendingPathComponent("img")
            try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
            let png = TestPNG.pattern(width: 8, height: 6, seed: 1)
            var text = ""
            text.reserveCapacity(count * 120)
            for i in 0..<count {
                let name = String(format: "img/%06d.png", i)
                try UnsyncedFile.write(png, to: folder.appendingPathComponent(name))
                text += #"{"source":"\#(name)","annotation":[{"type":"modelarts/image_classification","name":"\#(i % 2 == 0 ? "cat" : "dog")"}]}"#
                text += "\n"
            }
            for line in extraLines { text += line + "\n" }
            let url = folder.appendingPathComponent("big.manifest")
            try UnsyncedFile.write(Data(text.utf8), to: url)
            return url
        }
    }

    @Test func a_100000_sample_manifest_imports_as_one_atomic_group_of_events_each_under_the_limit() async throws {
        let fixture = try InterchangeFixture()
        defer { fixture.cleanup() }
        try await fixture.createDataset("big", type: 0, labels: ["cat", "dog"])
        try fixture.png("odd.png", seed: 9)
        let count = 100_000
        let manifest = try await Self.manifest(
            in: fixture.sources, count: count,
            extraLines: [#"{"source":"odd.png","annotation":[{"type":"modelarts/image_classification","name":"bird"}]}"#])
        let head = fixture.log.head

        // A dry run checks all of it and writes nothing.
        let dry = try await fixture.importer.run(source: manifest, into: "big", actor: "ana", dryRun: true, partial: false)
        #expect(dry.accepted == count)
        #expect(dry.problems.map(\.line) == [count + 1])
        #expect(fixture.log.head == head)

        // --partial (a real import with the bad line left out): every good sample, in events
        // the log accepts, as one append. (All or nothing without --partial: ImportTests.)
        let report = try await fixture.importer.run(source: manifest, into: "big", actor: "ana", dryRun: false, partial: true)
        #expect(report.accepted == count)
        let append = try #require(report.append)
        let events = try fixture.log.read(from: append.firstPosition, limit: Int(append.lastPosition - append.firstPosition + 1))
        #expect(events.count > 1, "a single event would exceed the log's event limit")
        var added = 0
        var bytes = 0
        for event in events {
            #expect(event.type == "SamplesAdded")
            #expect(event.payload.count <= SamplesAdded.maximumEventBytes)
            bytes += event.payload.count
            guard case .samplesAdded(let e) = try DomainEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
            else { Issue.record("position \(event.position) is not SamplesAdded"); continue }
            added += e.samples.count
        }
        #expect(added == count)
        #expect(bytes > 16 << 20, "as one event the import would be over the log's event limit")
        #expect(fixture.log.head == append.lastPosition)
        let state = try #require(try await fixture.service.state(of: "big"))
        #expect(state.samples.count == count)
        #expect(state.sampleCounts.labeled == count)
    }

    /// A crash while the group is being written leaves a prefix of its frames: whatever
    /// the prefix, reopening the log removes it and the dataset has none of the samples.
    @Test func a_torn_import_group_leaves_none_of_its_samples_at_every_frame_boundary() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let sources = directory.url.appendingPathComponent("sources")
        let count = 30_000
        let manifest = try await Self.manifest(in: sources, count: count)
        let original = directory.url.appendingPathComponent("original")
        let createdHead: UInt64
        do {
            let log = try EventLog.open(directory: original.appendingPathComponent("log"), configuration: .init(durability: .none))
            let service = DatasetService(log: log, snapshotDirectory: original.appendingPathComponent("snapshots"))
            _ = try await service.execute(
                .createDataset(
                    id: "big", name: "big", typeCode: 0, labels: ["cat", "dog"].map { LabelDefinition(name: $0, color: "#112233") },
                    description: "", by: "tester", at: Instant(microsecondsSince1970: 1_700_000_000_000_000)),
                on: "big", actor: "tester")
            createdHead = log.head
            let report = try await DatasetImporter(service: service).run(
                source: manifest, into: "big", actor: "ana", dryRun: false, partial: false)
            #expect(report.accepted == count)
            #expect(try #require(report.append).lastPosition - createdHead > 1, "several events")
            await log.close()
        }
        let segments = try FileManager.default.contentsOfDirectory(atPath: original.appendingPathComponent("log").path)
            .filter { $0.hasSuffix(".seg") }
        try #require(segments.count == 1)
        let segmentBytes = try Data(contentsOf: original.appendingPathComponent("log/\(segments[0])"))
        // Frame ends (offsets) along the segment: a 64-byte header, then 80-byte frame headers
        // whose compressed payload length sits at byte 24.
        var ends: [Int] = []
        var offset = 64
        while offset < segmentBytes.count {
            let length = segmentBytes[(offset + 24)..<(offset + 28)].enumerated()
                .reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
            offset += 80 + length
            ends.append(offset)
        }
        #expect(offset == segmentBytes.count)
        // The first frame holds the creation; the rest are the import's one group.
        let groupStart = ends[0]
        try #require(ends.count > 2, "the import spans several frames")
        var cuts = ends.dropFirst().dropLast().flatMap { [$0, $0 + 40, $0 + 200] }
        cuts += [groupStart + 1, groupStart + 100, segmentBytes.count - 1]
        for (trial, cut) in cuts.enumerated() {
            let copy = directory.url.appendingPathComponent("cut\(trial)")
            try FileManager.default.createDirectory(at: copy.appendingPathComponent("log"), withIntermediateDirectories: true)
            // The index is written only after a group is durable: a crash inside the group
            // leaves it behind the cut, so the copy starts without one (it is rebuilt).
            try Data(segmentBytes.prefix(cut)).write(to: copy.appendingPathComponent("log/\(segments[0])"))
            let log = try EventLog.open(directory: copy.appendingPathComponent("log"), configuration: .init(durability: .none))
            #expect(log.head == createdHead, "cut at \(cut): the torn group is removed whole")
            #expect(log.recovery.truncatedBytes == UInt64(cut - groupStart), "cut at \(cut)")
            let service = DatasetService(log: log, snapshotDirectory: copy.appendingPathComponent("snapshots"))
            let state = try #require(try await service.state(of: "big"))
            #expect(state.samples.isEmpty, "cut at \(cut): \(state.samples.count) samples of a torn import are visible")
            #expect(try log.verify().isClean)
            await log.close()
            try? FileManager.default.removeItem(at: copy)
        }
    }
}
