import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import LabelLedgerServer

/// `GET …/samples/{sample_id}/thumbnail?size=N`: a JPEG of the sample's image, its longer
/// side at most N (never enlarged), cached by content, bounded, refused with codes.
@Suite struct ThumbnailEndpointTests {
    /// Width and height from a baseline or progressive JPEG's SOF marker (nil: not a JPEG).
    static func jpegSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data)
        guard bytes.starts(with: [0xFF, 0xD8]) else { return nil }
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if (0xC0...0xC3).contains(marker) {
                return (Int(bytes[index + 7]) << 8 | Int(bytes[index + 8]), Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]))
            }
            index += 2 + length
        }
        return nil
    }

    func thumbnail(_ client: ServerFixture.Client, _ dataset: String, _ sample: String, query: String = "", token: String) async throws -> ServerFixture.Reply {
        try await client.call(.get, "\(dataset)/data-annotations/samples/\(sample)/thumbnail\(query)", token: token)
    }

    @Test func a_thumbnail_keeps_the_aspect_ratio_within_the_asked_size_and_never_enlarges() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            let wide = try await client.addSamples(dataset, count: 1, width: 300, height: 120, prefix: "wide")[0]
            let tall = try await client.addSamples(dataset, count: 1, width: 50, height: 400, prefix: "tall")[0]
            let small = try await client.addSamples(dataset, count: 1, width: 8, height: 8, prefix: "small")[0]
            for (sample, query, expected) in [
                (wide, "?size=100", (100, 40)), (wide, "", (160, 64)), (tall, "?size=16", (2, 16)), (tall, "?size=1024", (50, 400)),
                (small, "", (8, 8)),
            ] {
                let reply = try await thumbnail(client, dataset, sample, query: query, token: fixture.labeler)
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(reply.headers[.contentType] == "image/jpeg")
                let size = try #require(Self.jpegSize(reply.body), "not a JPEG")
                #expect(size.width == expected.0 && size.height == expected.1, "\(query): \(size)")
            }
        }
    }

    @Test func the_etag_names_the_content_and_a_matching_if_none_match_answers_304() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            let sample = try await client.addSamples(dataset, count: 1, width: 64, height: 64)[0]
            let first = try await thumbnail(client, dataset, sample, token: fixture.labeler)
            let tag = try #require(first.headers[.eTag])
            let again = try await client.call(
                .get, "\(dataset)/data-annotations/samples/\(sample)/thumbnail", token: fixture.labeler, headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified)
            #expect(again.body.isEmpty)
            let otherSize = try await client.call(
                .get, "\(dataset)/data-annotations/samples/\(sample)/thumbnail?size=32", token: fixture.labeler, headers: [.ifNoneMatch: tag])
            #expect(otherSize.status == .ok, "a tag names one size")
            #expect(otherSize.headers[.eTag] != tag)
        }
    }

    @Test func sizes_outside_16_to_1024_are_400_before_anything_is_read() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            let sample = try await client.addSamples(dataset, count: 1)[0]
            for bad in ["15", "0", "-3", "1025", "99999999999999999999", "abc", "12.5", ""] {
                expectError(try await thumbnail(client, dataset, sample, query: "?size=\(bad)", token: fixture.labeler), .badRequest, "LabelLedger.API.4425")
            }
            // Refused before the sample is looked up: an unknown sample with a bad size is 400 too.
            expectError(try await thumbnail(client, dataset, "nosuch", query: "?size=2000", token: fixture.labeler), .badRequest, "LabelLedger.API.4425")
        }
    }

    @Test func strangers_unknown_samples_and_deleted_datasets_get_their_4xx() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            let sample = try await client.addSamples(dataset, count: 1)[0]
            expectError(try await thumbnail(client, dataset, sample, token: fixture.foreign), .notFound, "LabelLedger.API.404")
            let unauthenticated = try await client.call(.get, "\(dataset)/data-annotations/samples/\(sample)/thumbnail", token: nil)
            expectError(unauthenticated, .unauthorized, "LabelLedger.API.401")
            expectError(try await thumbnail(client, dataset, "0000", token: fixture.labeler), .notFound, "LabelLedger.API.404")
            expectError(try await thumbnail(client, "/v2/demo/datasets/nosuch", sample, token: fixture.labeler), .notFound, "LabelLedger.API.404")
            try await client.deleteDataset(dataset)
            expectError(try await thumbnail(client, dataset, sample, token: fixture.labeler), .notFound, "LabelLedger.1046")
        }
    }

    /// The stored image damaged after intake (a disk fault, a hand edit): 422 with the
    /// decoder's code, never a 5xx; the samples beside it still answer.
    @Test func an_image_damaged_on_disk_answers_422_with_the_decoders_code() async throws {
        try await ServerFixture.run { fixture, client in
            let dataset = try await client.createDataset()
            let samples = try await client.addSamples(dataset, count: 2, width: 20, height: 20)
            let images = fixture.root.appendingPathComponent("images")
            let files = try FileManager.default.contentsOfDirectory(atPath: images.path).sorted()
            #expect(files.count == 2)
            let one = try #require(try await client.call(.get, "\(dataset)/data-annotations/samples/\(samples[0])", token: fixture.labeler).json["source"] as? String)
            try Data("not an image any more".utf8).write(to: URL(fileURLWithPath: one))
            let damaged = try await thumbnail(client, dataset, samples[0], token: fixture.labeler)
            expectError(damaged, .unprocessableContent, "LabelLedger.AutoLabel.002")
            try Data(TestPNG.pattern(width: 20, height: 20, seed: 1).prefix(60)).write(to: URL(fileURLWithPath: one))
            let truncated = try await thumbnail(client, dataset, samples[0], query: "?size=17", token: fixture.labeler)
            expectError(truncated, .unprocessableContent, "LabelLedger.AutoLabel.003")
            try FileManager.default.removeItem(atPath: one)
            let missing = try await thumbnail(client, dataset, samples[0], query: "?size=18", token: fixture.labeler)
            expectError(missing, .unprocessableContent, "LabelLedger.AutoLabel.001")
            #expect(try await thumbnail(client, dataset, samples[1], token: fixture.labeler).status == .ok)
        }
    }
}
