import Foundation
import Testing
@testable import Projections

/// The digest is SHA-256 of the dump, and the dump is canonical.
@Suite struct ProjectionDumpTests {
    @Test func digest_is_sha256() {
        var empty = ProjectionDigest()
        #expect(empty.finalize() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var abc = ProjectionDigest()
        abc.update("abc")
        #expect(abc.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var long = ProjectionDigest()
        long.update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        #expect(long.finalize() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func digest_of_a_projection_is_the_digest_of_its_dump_and_changes_with_a_row() async throws {
        let fixture = try ProjectionFixture()
        var w = Workload(service: fixture.service, seed: 101)
        try await w.generate(samples: 20, steps: 10)
        try await fixture.projector.catchUp()
        var hash = ProjectionDigest()
        hash.update(try ProjectionDump.text(of: .datasets, in: fixture.store))
        let digest = try ProjectionDump.digest(of: .datasets, in: fixture.store)
        #expect(hash.finalize() == digest)
        try await fixture.store.database(.datasets).write { db in
            try db.execute(sql: "UPDATE samples SET name = 'tampered' WHERE seq = (SELECT MIN(seq) FROM samples)")
        }
        #expect(try ProjectionDump.digest(of: .datasets, in: fixture.store) != digest)
        let results = try ReplayVerifier.verify(store: fixture.store, log: fixture.log, scratch: fixture.directory.url.appendingPathComponent("v"))
        let datasets = try #require(results.first { $0.kind == .datasets })
        #expect(!datasets.matches)
        #expect(datasets.firstDifference?.contains("## samples") == true)
        #expect(datasets.firstDifference?.contains("tampered") == true)
        #expect(results.first { $0.kind == .tasks }?.matches == true)
        await fixture.cleanup()
    }
}
