import Foundation
import LabelingDomain
import NIOCore
import Synchronization
import Testing
import TestSupport
@testable import LabelLedgerServer
@testable import Projections

/// `GET /v2/{project_id}/datasets` is written by hand (``WireWriter/datasetList(_:position:)``)
/// and answered once per project and log head (``DatasetListCache``): the bytes are the ones
/// the wire structs gave through `JSONEncoder`, and no client sees a list older than a write
/// it was answered.
@Suite struct DatasetListWireTests {
    /// Text that tests every escape: each byte below 0x20, quotes, backslash, slash, and
    /// characters beyond ASCII (two, three and four UTF-8 bytes).
    static let awkward: [String] = [
        "", "plain", "a/b", "quote \" and back\\slash", "é ü ß", "\u{2028}\u{2029}", "😀 grin", "\u{7F}del",
        String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }),
    ]

    static func overviews(count: Int, seed: UInt64) -> [DatasetOverview] {
        var generator = SeededGenerator(seed: seed)
        func pick() -> String {
            let a = awkward[Int(generator.next() % UInt64(awkward.count))]
            let b = awkward[Int(generator.next() % UInt64(awkward.count))]
            return a + b
        }
        return (0..<count).map { index in
            let type = LabelingType.allCases[Int(generator.next() % UInt64(LabelingType.allCases.count))]
            let labels = (0..<Int(generator.next() % 12)).map { _ in DatasetOverview.Label(name: pick(), color: pick()) }
            return DatasetOverview(
                dataset: DatasetID("demo/\(pick())\(index)"), name: pick(), type: type, description: pick(), labels: labels,
                version: index == 0 ? UInt64.max : generator.next() >> (generator.next() % 64),
                lastPosition: generator.next() >> 8,
                sampleStats: DatasetSummary.SampleStats(
                    unAnnotation: Int(generator.next() % 2_000_000), manualAnnotation: Int(generator.next() % 2_000_000),
                    autoAnnotation: Int(generator.next() % 3), total: index == 1 ? Int.max : Int(generator.next() % 4_000_000)))
        }
    }

    /// What the route answered before it was written by hand: the wire structs through the encoder.
    static func encoderBytes(_ overviews: [DatasetOverview], position: UInt64) throws -> [UInt8] {
        let shown = overviews.map { DatasetRoutes.response($0, position: position) }
        return [UInt8](try WireWriter.encode(DatasetListResponse(datasets: shown, total_number: shown.count)))
    }

    @Test(arguments: [0, 1, 2, 3, 40, 300])
    func the_hand_written_list_is_the_bytes_the_encoder_wrote(count: Int) throws {
        let overviews = Self.overviews(count: count, seed: UInt64(1_000 + count))
        for position in [0, 17, UInt64.max] {
            var out = WireWriter(capacity: 8)
            out.datasetList(overviews, position: position)
            let expected = try Self.encoderBytes(overviews, position: position)
            #expect(out.bytes == expected, "\(String(decoding: out.bytes.prefix(400), as: UTF8.self))")
        }
    }

    @Test func every_control_character_is_escaped_as_the_encoder_escapes_it() throws {
        for byte in UInt8(0)..<0x20 {
            let text = "a" + String(Character(Unicode.Scalar(byte))) + "z"
            var out = WireWriter()
            out.appendString(text)
            #expect(out.bytes == [UInt8](try WireWriter.encode(text)), "byte \(byte)")
        }
    }

    // MARK: - Through the route

    static func list(_ client: ServerFixture.Client, token: String) async throws -> (position: UInt64, names: [String], reply: ServerFixture.Reply) {
        let reply = try await client.call(.get, "/v2/demo/datasets", token: token)
        #expect(reply.status == .ok, "\(reply.text)")
        let datasets = reply.json["datasets"] as? [[String: Any]] ?? []
        let position = (datasets.first?["position"] as? NSNumber)?.uint64Value ?? 0
        return (position, datasets.compactMap { $0["dataset_name"] as? String }, reply)
    }

    @Test func the_served_list_is_the_projection_through_the_encoder_and_follows_every_write() async throws {
        try await ServerFixture.run { fixture, client in
            var names: [String] = []
            for (index, name) in ["cats", "dogs", "emus"].enumerated() {
                let reply = try await client.call(
                    .post, "/v2/demo/datasets", token: fixture.admin,
                    json: ["dataset_name": name, "dataset_type": index == 2 ? 1 : 0, "labels": [["name": "a"], ["name": "b"]],
                           "description": "\"quoted\" a/b \\ é 😀 \u{8}\u{1}"])
                #expect(reply.status == .created, "\(reply.text)")
                names.append(name)
                // Each write is seen by the next list (the held answer of the head before is not given).
                let (position, listed, served) = try await Self.list(client, token: fixture.labeler)
                #expect(position == fixture.runtime.queries.head)
                #expect(Set(listed) == Set(names))
                let overviews = try await fixture.runtime.queries.datasets(inProject: "demo")
                #expect([UInt8](served.body) == (try Self.encoderBytes(overviews, position: position)))
            }
            // Another project's list is its own (and empty).
            let other = try await client.call(.get, "/v2/other/datasets", token: fixture.foreign)
            #expect(other.text == #"{"datasets":[],"total_number":0}"#)
            // A label update changes the list's sample counts; the next list shows it.
            let dataset = "/v2/demo/datasets/" + ((try await Self.list(client, token: fixture.admin)).reply.json["datasets"]
                .flatMap { ($0 as? [[String: Any]])?.first?["dataset_id"] as? String } ?? "?")
            let before = try await Self.list(client, token: fixture.admin)
            let samples = try await client.addSamples(dataset, count: 2)
            #expect(samples.count == 2)
            let after = try await Self.list(client, token: fixture.admin)
            #expect(after.position > before.position)
            let totals = (after.reply.json["datasets"] as? [[String: Any]] ?? []).map {
                (($0["sample_stats"] as? [String: Any])?["total"] as? NSNumber)?.intValue ?? -1
            }
            #expect(totals.reduce(0, +) == 2)
            // Nothing written between two lists: the same bytes at the same position.
            let again = try await Self.list(client, token: fixture.admin)
            #expect(again.reply.body == after.reply.body)
        }
    }

    @Test func a_deleted_dataset_leaves_the_next_list() async throws {
        try await ServerFixture.run { fixture, client in
            let kept = try await client.createDataset()
            let gone = try await client.createDataset()
            #expect(try await Self.list(client, token: fixture.admin).names.count == 2)
            try await client.deleteDataset(gone)
            let reply = try await Self.list(client, token: fixture.admin).reply
            let ids = (reply.json["datasets"] as? [[String: Any]] ?? []).compactMap { $0["dataset_id"] as? String }
            #expect(ids == [datasetID(of: kept)])
        }
    }

    // MARK: - The cache

    @Test func requests_missing_at_one_head_share_one_making() async throws {
        let cache = DatasetListCache()
        let makings = Counter()
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        let gate = Gate()
        try await withThrowingTaskGroup(of: (UInt64, ByteBuffer).self) { group in
            for _ in 0..<16 {
                group.addTask {
                    enter.yield()
                    return try await cache.answer(project: "p", head: 5) { head in
                        makings.value.add(1, ordering: .relaxed)
                        await gate.wait()
                        return ByteBuffer(string: "list at \(head)")
                    }
                }
            }
            // Every request is on its way before the (first) making may finish.
            var count = 0
            for await _ in entered {
                count += 1
                if count == 16 { break }
            }
            await gate.open()
            for try await (position, body) in group {
                #expect(position == 5)
                #expect(String(buffer: body) == "list at 5")
            }
        }
        #expect(makings.value.load(ordering: .relaxed) == 1)
    }

    @Test func an_answer_is_given_only_for_heads_at_or_below_its_own() async throws {
        let cache = DatasetListCache()
        let made = Heads()
        let make: @Sendable (UInt64) async throws -> ByteBuffer = { head in
            made.list.withLock { $0.append(head) }
            return ByteBuffer(string: "\(head)")
        }
        #expect(try await cache.answer(project: "p", head: 10, make: make).position == 10)
        // A request that saw an older head may get the newer answer.
        #expect(try await cache.answer(project: "p", head: 9, make: make).position == 10)
        #expect(try await cache.answer(project: "p", head: 10, make: make).position == 10)
        // A newer head is never answered from an older list.
        #expect(try await cache.answer(project: "p", head: 11, make: make).position == 11)
        #expect(try await cache.answer(project: "q", head: 11, make: make).position == 11)
        #expect(made.list.withLock { $0 } == [10, 11, 11])
    }

    @Test func a_failed_making_is_not_kept() async throws {
        struct Refused: Error {}
        let cache = DatasetListCache()
        await #expect(throws: Refused.self) {
            try await cache.answer(project: "p", head: 3) { _ in throw Refused() }
        }
        #expect(cache.count == 0)
        let (position, body) = try await cache.answer(project: "p", head: 3) { _ in ByteBuffer(string: "ok") }
        #expect(position == 3)
        #expect(String(buffer: body) == "ok")
    }

    @Test func held_answers_stay_within_the_byte_budget_and_older_heads_go() async throws {
        let cache = DatasetListCache(byteBudget: 1_000)
        for project in 0..<5 {
            _ = try await cache.answer(project: "p\(project)", head: 1) { _ in ByteBuffer(repeating: 0, count: 300) }
        }
        #expect(cache.count == 3)
        // An answer at a newer head drops those of older heads (they can no longer be given).
        _ = try await cache.answer(project: "p0", head: 2) { _ in ByteBuffer(repeating: 0, count: 10) }
        #expect(cache.count == 1)
        // One answer alone over the budget is not kept, and the others stay.
        let (_, big) = try await cache.answer(project: "big", head: 2) { _ in ByteBuffer(repeating: 0, count: 5_000) }
        #expect(big.readableBytes == 5_000)
        #expect(cache.count == 1)
    }
}

private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

private final class Heads: Sendable {
    let list = Mutex<[UInt64]>([])
}

/// Holds tasks until opened.
private actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiting { waiter.resume() }
        waiting.removeAll()
    }
}
