import Foundation
import Hummingbird
import HummingbirdTesting
import LabelingDomain
import LabelingService
import LedgerComposition
import Testing
import TestSupport
@testable import LabelLedgerServer

/// `GET /v2/{project_id}/datasets/{dataset_id}/export` (issue 22): the bytes `labelledger
/// export` writes at the same position (an archive holds its files), the past as it was,
/// refusals with stable codes before the body, and a body made while it is read.
@Suite struct ExportEndpointTests {
    /// Runs `labelledger export` on the fixture's data directory (read-only beside the
    /// runtime that holds it), into `out`.
    static func commandLineExport(
        _ fixture: ServerFixture, dataset: String, format: String, position: UInt64, to out: URL
    ) async throws {
        let executable = try #require(BuiltExecutable.locate("labelledger"), "labelledger was not built beside the tests")
        let result = try await ChildProcess.run(executable, arguments: [
            "export", "--data", fixture.root.path, "--project", "demo", "--dataset", datasetID(of: dataset),
            "--format", format, "--as-of-position", "\(position)", out.path,
        ], seconds: 120)
        #expect(result.status == 0, "\(result)")
    }

    /// Extracts `zip` with Python's `zipfile` (a reader that is not ours) into `folder`.
    static func unzip(_ zip: Data, into folder: URL) async throws {
        let archive = folder.appendingPathExtension("zip")
        try zip.write(to: archive)
        let python = try #require(Self.onPath("python3"), "python3 is needed to read the archive")
        let test = try await ChildProcess.run(python, arguments: ["-m", "zipfile", "-t", archive.path], seconds: 60)
        #expect(test.status == 0, "the archive does not pass zipfile's test: \(test)")
        let result = try await ChildProcess.run(python, arguments: ["-m", "zipfile", "-e", archive.path, folder.path], seconds: 60)
        #expect(result.status == 0, "\(result)")
    }

    /// The first `name` on `PATH`.
    static func onPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Every regular file under `folder`, by relative path, with its bytes.
    static func files(_ folder: URL) throws -> [String: Data] {
        var found: [String: Data] = [:]
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            found[String(path.dropFirst(root.count + 1))] = try Data(contentsOf: url)
        }
        return found
    }

    @Test func coco_and_manifest_equal_the_command_line_export_and_as_of_shows_the_past() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        let scratch = TemporaryDirectory()
        defer { scratch.cleanup() }
        try await fixture.test { client in
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 6, labels: ["cat", "dog", nil, "cat"])
            _ = try await client.addMachineSamples(dataset, count: 2)
            let position = fixture.runtime.log.head
            let cocoThen = try await client.call(.get, dataset + "/export?format=coco", token: fixture.labeler)
            #expect(cocoThen.status == .ok, "\(cocoThen.text)")
            #expect(cocoThen.headers[.contentType] == "application/json")
            #expect(cocoThen.headers[ExportRoutes.positionHeader] == "\(position)")
            let manifestThen = try await client.call(.get, dataset + "/export?format=manifest", token: fixture.labeler)
            #expect(manifestThen.headers[.contentType] == "application/x-ndjson")
            #expect(manifestThen.text.split(separator: "\n").count == 8)

            // The dataset moves on.
            _ = try await client.addSamples(dataset, count: 3, labels: ["dog"], prefix: "later")
            let coco = try await client.call(.get, dataset + "/export?format=coco&as_of_position=\(position)", token: fixture.labeler)
            let manifest = try await client.call(
                .get, dataset + "/export?format=manifest&as_of_position=\(position)", token: fixture.labeler)
            #expect(coco.status == .ok && manifest.status == .ok, "\(coco.text) \(manifest.text)")
            #expect(coco.body == cocoThen.body, "as of the position: the export made then")
            #expect(manifest.body == manifestThen.body)
            let now = try await client.call(.get, dataset + "/export?format=coco", token: fixture.labeler)
            #expect(((now.json["images"] as? [Any]) ?? []).count == 11, "now: every sample")
            #expect(((coco.json["images"] as? [Any]) ?? []).count == 8)

            // The command line's export at the same position, the same bytes.
            for (format, reply) in [("coco", coco), ("manifest", manifest)] {
                let out = scratch.file("cli.\(format)")
                try await Self.commandLineExport(fixture, dataset: dataset, format: format, position: position, to: out)
                #expect(try Data(contentsOf: out) == reply.body, "\(format): the API's export differs from the command line's")
            }
        }
    }

    @Test func detection_exports_are_zip_archives_of_the_command_line_files() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        let scratch = TemporaryDirectory()
        defer { scratch.cleanup() }
        try await fixture.test { client in
            let dataset = try await client.createDataset(type: 1, labels: ["car", "tree"])
            let ids = try await client.addSamples(dataset, count: 5, width: 40, height: 30)
            func box(_ name: String, _ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int) -> [String: Any] {
                ["name": name, "property": ["@modelarts:shape": "bndbox", "@modelarts:coordinates": [[x1, y1], [x2, y2]]]]
            }
            let labeled = try await client.call(.put, dataset + "/data-annotations/samples", token: fixture.labeler, json: [
                "samples": [
                    ["sample_id": ids[0], "labels": [box("car", 1, 1, 20, 10), box("tree", 5, 5, 40, 30)]],
                    ["sample_id": ids[2], "labels": [box("tree", 0, 0, 3, 4)]],
                ],
            ])
            #expect(labeled.status == .ok, "\(labeled.text)")
            let position = fixture.runtime.log.head
            for format in ["voc", "manifest"] {
                let reply = try await client.call(
                    .get, dataset + "/export?format=\(format)&as_of_position=\(position)", token: fixture.labeler)
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(reply.headers[.contentType] == "application/zip")
                let extracted = scratch.file("api-\(format)")
                try await Self.unzip(reply.body, into: extracted)
                // The command line writes the same files: a folder (voc), the manifest and its
                // annotation folder beside it (manifest, named as inside the archive).
                let cli = scratch.file("cli-\(format)")
                let out = format == "voc" ? cli : cli.appendingPathComponent(DatasetExport.archivedManifestName)
                try FileManager.default.createDirectory(at: cli, withIntermediateDirectories: true)
                try await Self.commandLineExport(fixture, dataset: dataset, format: format, position: position, to: out)
                let expected = try Self.files(cli), got = try Self.files(extracted)
                #expect(!expected.isEmpty)
                #expect(got.keys.sorted() == expected.keys.sorted(), "\(format)")
                for (path, bytes) in expected { #expect(got[path] == bytes, "\(format): \(path) differs") }
                // The same export is the same archive, byte for byte.
                let again = try await client.call(
                    .get, dataset + "/export?format=\(format)&as_of_position=\(position)", token: fixture.labeler)
                #expect(again.body == reply.body)
            }
        }
    }

    @Test func refusals_are_answered_before_the_body_with_stable_codes() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        try await fixture.test { client in
            let early = fixture.runtime.log.head
            let dataset = try await client.createDataset()
            _ = try await client.addSamples(dataset, count: 2)
            let export = dataset + "/export"
            expectError(try await client.call(.get, export, token: fixture.labeler), .badRequest, "LabelLedger.API.4343")
            expectError(try await client.call(.get, export + "?format=xml", token: fixture.labeler), .badRequest, "LabelLedger.API.4343")
            expectError(
                try await client.call(.get, export + "?format=coco&as_of_position=1&as_of_time=2026-01-01T00:00:00Z", token: fixture.labeler),
                .badRequest, "LabelLedger.API.4344")
            expectError(
                try await client.call(.get, export + "?format=coco&as_of_position=\(fixture.runtime.log.head + 5)", token: fixture.labeler),
                .badRequest, "LabelLedger.API.400")
            expectError(
                try await client.call(.get, export + "?format=coco&as_of_position=\(early)", token: fixture.labeler), .notFound,
                "LabelLedger.Query.002")
            expectError(
                try await client.call(.get, export + "?format=voc", token: fixture.labeler), .badRequest, "LabelLedger.Export.001")
            // Another project's token sees no such project; no token is 401.
            expectError(try await client.call(.get, export + "?format=coco", token: fixture.foreign), .notFound, "LabelLedger.API.404")
            expectError(try await client.call(.get, export + "?format=coco", token: nil), .unauthorized, "LabelLedger.API.401")
            expectError(
                try await client.call(.get, "/v2/demo/datasets/nothing/export?format=coco", token: fixture.labeler), .notFound,
                "LabelLedger.API.404")
            let position = fixture.runtime.log.head
            try await client.deleteDataset(dataset)
            expectError(try await client.call(.get, export + "?format=coco", token: fixture.labeler), .notFound, "LabelLedger.1046")
            // Before its deletion, the dataset is still there to export.
            let before = try await client.call(.get, export + "?format=coco&as_of_position=\(position)", token: fixture.labeler)
            #expect(before.status == .ok, "\(before.text)")
        }
    }

    /// A classification dataset `demo/<name>` of `samples` generated samples (no image files:
    /// an export reads none), every third labeled "cat", appended through the service.
    static func generatedDataset(_ fixture: ServerFixture, _ name: String, samples count: Int) async throws -> DatasetID {
        let dataset = DatasetID("demo/\(name)")
        _ = try await fixture.runtime.service.execute(
            .createDataset(
                id: dataset, name: name, typeCode: 0, labels: [LabelDefinition(name: "cat", color: "#112233")],
                description: "", by: "ada", at: Instant(Date(timeIntervalSince1970: 1_700_000_000))),
            on: dataset, actor: "ada")
        let samples = (0..<count).map { i in
            NewSample(
                id: SampleID(String(format: "s%06d", i)), name: String(format: "image-%06d.png", i), sourcePath: "/data/\(i).png",
                width: 64, height: 48, channels: 3, contentSHA256: String(repeating: "ab", count: 32),
                initialLabels: i % 3 == 0 ? [SampleLabel(name: "cat", annotator: .human("ada"))] : [])
        }
        _ = try await fixture.runtime.service.execute(.addSamples(samples, by: "ada"), on: dataset, actor: "ada")
        return dataset
    }

    /// The body is made while it is read: after the reader took one chunk the exporter is at
    /// most ``DatasetExport/chunksInFlight`` chunks (and the one in hand) ahead — a bound
    /// that holds whatever the threads' timing, and that an export gathered whole before its
    /// first byte breaks.
    @Test func a_large_export_is_made_a_few_chunks_ahead_of_its_reader() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        let count = 30_000
        let dataset = try await Self.generatedDataset(fixture, "large", samples: count)
        let export = try await fixture.runtime.export(dataset, format: "coco", asOf: fixture.runtime.queries.head)
        var iterator = export.body.makeAsyncIterator()
        let first = try #require(try await iterator.next())
        // A chunk is 64 KiB plus at most one write (one image or annotation object).
        let chunkBound: UInt64 = 64 * 1024 + 4096
        let ahead = export.body.bytesProduced
        #expect(ahead <= UInt64(DatasetExport.chunksInFlight + 2) * chunkBound, "made \(ahead) bytes before the reader took a second chunk")
        var total = UInt64(first.count)
        var bytes = first
        while let chunk = try await iterator.next() {
            total += UInt64(chunk.count)
            bytes += chunk
        }
        #expect(total == export.body.bytesProduced)
        #expect(total > 5 * UInt64(DatasetExport.chunksInFlight + 2) * chunkBound, "large enough to show the bound: \(total)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect((json["images"] as? [Any])?.count == count)
        #expect((json["annotations"] as? [Any])?.count == count / 3)
    }

    /// A reader that stops early stops the export: the maker's thread is not left blocked.
    @Test func a_reader_that_stops_early_stops_the_export() async throws {
        let fixture = try await ServerFixture.make()
        defer { Task { await fixture.cleanup() } }
        let dataset = try await Self.generatedDataset(fixture, "stopped", samples: 20_000)
        let export = try await fixture.runtime.export(dataset, format: "manifest", asOf: fixture.runtime.queries.head)
        var iterator = export.body.makeAsyncIterator()
        _ = try #require(try await iterator.next())
        export.body.cancel()
        await #expect(throws: CancellationError.self) { _ = try await iterator.next() }
        let stopped = export.body.bytesProduced
        #expect(stopped <= UInt64(DatasetExport.chunksInFlight + 2) * (64 * 1024 + 4096))
    }
}
