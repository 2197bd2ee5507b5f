import Foundation
import LabelingDomain
import Testing

/// Adding samples splits them into events the log accepts, whatever their number.
@Suite struct SamplesAddedChunkTests {
    static func sample(_ index: Int, labels: Int = 1) -> NewSample {
        NewSample(
            id: SampleID("sample-\(index)"), name: "folder/image-\(index).png",
            sourcePath: "/data/import/folder/image-\(index).png", width: 640, height: 480, channels: 3,
            contentSHA256: String(repeating: "ab", count: 32),
            initialLabels: (0..<labels).map { k in
                SampleLabel(name: "label-\(k % 7)", box: BoundingBox(x1: Int32(k % 600), y1: 1, x2: Int32(k % 600) + 30, y2: 40), annotator: .human("ana"))
            },
            initialHardMark: index % 3 == 0 ? HardMark(reasons: [.lowConfidence], coefficient: 0.5, origin: .person("ana")) : nil)
    }

    @Test func many_samples_become_consecutive_events_each_encoded_within_the_bound() {
        let samples = (0..<40_000).map { Self.sample($0, labels: 1 + $0 % 5) }
        let events = SamplesAdded.chunks(of: samples, by: "ana")
        #expect(events.count > 1)
        #expect(events.flatMap(\.samples) == samples, "in order, none lost or repeated")
        for event in events {
            let encoded = DomainEvent.samplesAdded(event).encode()
            #expect(encoded.payload.count <= SamplesAdded.maximumEventBytes)
            #expect(encoded.payload.count <= event.samples.reduce(0) { $0 + $1.encodedSizeBound }, "the bound is an upper bound")
        }
    }

    @Test func a_small_batch_stays_one_event_and_a_sample_heavier_than_the_bound_gets_its_own() {
        #expect(SamplesAdded.chunks(of: (0..<100).map { Self.sample($0) }, by: "ana").count == 1)
        #expect(SamplesAdded.chunks(of: [], by: "ana").isEmpty)
        let heavy = Self.sample(1, labels: 40_000)
        #expect(heavy.encodedSizeBound > SamplesAdded.maximumEventBytes)
        let events = SamplesAdded.chunks(of: [Self.sample(0), heavy, Self.sample(2)], by: "ana")
        #expect(events.map { $0.samples.map(\.id) } == [["sample-0"], ["sample-1"], ["sample-2"]])
    }
}
