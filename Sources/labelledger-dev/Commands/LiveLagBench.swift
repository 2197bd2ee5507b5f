import AutoLabeling
import EventLog
import Foundation
import LabelingDomain
import LabelingService
import Projections

/// The live lag of the projections (issue 4: "live lag under 50 ms"): how long after an
/// append is acknowledged every projection has applied it, while ``Projector/run()``
/// follows the log as a server's projector does.
///
/// One writer appends one-sample events (a relabel of a random sample, its previous labels
/// read from the projection as a client would, or a hard mark set or cleared) at a fixed
/// pace; a watcher reads the lowest checkpoint every `pollInterval` and records when it
/// first reaches each position. An event's lag is that time minus its acknowledgement, so it
/// is over-stated by at most one poll interval (plus the sleep's overshoot).
struct LiveLagBench {
    var dataset: DatasetID
    var samples: Int
    var events: Int
    /// Time between two appends.
    var pace: Duration = .milliseconds(2)
    var pollInterval: Duration = .microseconds(100)
    var seed: UInt64 = 11

    struct Result {
        /// Acknowledgement → applied by every projection, one per event, in append order.
        var lags: [Duration]
        var elapsed: Duration
    }

    func run(log: EventLog, store: ProjectionStore, projector: Projector) async throws -> Result {
        let reader = ProjectionQueries(store: store)
        let clock = ContinuousClock()
        let live = Task { try await projector.run() }
        defer { live.cancel() }
        // The lowest checkpoint and when the watcher read it, until the watcher is cancelled.
        let applied = Recorder()
        let watcher = Task {
            while !Task.isCancelled {
                let checkpoint = try ProjectionKind.allCases.map { kind throws in try store.checkpoint(kind) }.min() ?? 0
                await applied.record(checkpoint, at: clock.now)
                try? await Task.sleep(for: pollInterval)
            }
        }
        // Each append's last position and when it was acknowledged.
        var acknowledged: [(position: UInt64, at: ContinuousClock.Instant)] = []
        let stream = StreamNames.dataset(dataset)
        var rng = SplitMix64(seed: seed)
        let start = clock.now
        var next = start
        for n in 0..<events {
            next = next.advanced(by: pace)
            let id = SampleID("s\(Int(rng.next() % UInt64(samples)))")
            let event: DomainEvent
            switch n % 4 {
            case 0, 1:
                let current = try reader.sample(id, in: dataset)
                let label = SampleLabel(name: "class-\(rng.next() % 10)", annotator: .human("lag"))
                event = .sampleLabelsReplaced(SampleLabelsReplaced(samples: [LabelReplacement(
                    sampleID: id, previousState: current?.state ?? .unlabeled, previousLabels: current?.labels ?? [],
                    newLabels: [label])], by: "lag"))
            case 2:
                event = .samplesMarkedHard(SamplesMarkedHard(sampleIDs: [id], reasons: [.predictedAbnormal], coefficient: 0.5, by: "lag"))
            default:
                event = .hardMarksCleared(HardMarksCleared(sampleIDs: [id], by: "lag"))
            }
            let encoded = event.encode()
            let result = try await log.append(stream: stream, events: [ProposedEvent(
                type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload, actor: "lag")])
            acknowledged.append((result.lastPosition, clock.now))
            try await clock.sleep(until: next)
        }
        let last = acknowledged.last!.position
        while await (applied.entries.last?.position ?? 0) < last { try await Task.sleep(for: .milliseconds(1)) }
        watcher.cancel()
        try await watcher.value
        let elapsed = clock.now - start

        let seen = await applied.entries
        var lags: [Duration] = []
        var cursor = 0
        for (position, at) in acknowledged {
            // The first observation at or after the acknowledgement that covers the position.
            while cursor < seen.count, seen[cursor].position < position || seen[cursor].at < at { cursor += 1 }
            guard cursor < seen.count else { break }
            lags.append(seen[cursor].at - at)
        }
        return Result(lags: lags, elapsed: elapsed)
    }

    private actor Recorder {
        var entries: [(position: UInt64, at: ContinuousClock.Instant)] = []
        func record(_ position: UInt64, at instant: ContinuousClock.Instant) { entries.append((position, instant)) }
    }
}
