import EventLog
import Foundation
import LabelingDomain

/// A dataset as it was at a log position, with what as-of views and exports need beyond the
/// domain state: each sample's ``SampleFacts`` (source, usage, when its labels were made, who
/// and what changed it last, its place in the tabs' order).
///
/// Invariant: the same position always yields the same value, however it was reached (a
/// fold of the dataset's stream from its start, or from a snapshot taken on the way): the
/// domain's own `evolve` for the state, ``apply(_:_:)`` for the facts.
public struct DatasetAtPosition: Sendable, Equatable {
    public var state: DatasetState
    /// The position asked for: events after it are not included.
    public var asOfPosition: UInt64
    /// The position of the dataset's last event at or before ``asOfPosition`` (0: none).
    public var position: UInt64
    /// When the log recorded that event.
    public var lastEventAt: Date?
    /// One entry per sample of ``state``.
    public var facts: [SampleID: SampleFacts]
    /// The units of work (``SnapshotRule/weight(of:)``) of every event folded so far: how far
    /// apart two snapshots are.
    public var units: UInt64

    /// A stream before its first event.
    public init() {
        self.init(state: DatasetState(), asOfPosition: 0, position: 0, lastEventAt: nil, facts: [:], units: 0)
    }

    public init(
        state: DatasetState, asOfPosition: UInt64, position: UInt64, lastEventAt: Date?, facts: [SampleID: SampleFacts],
        units: UInt64
    ) {
        self.state = state
        self.asOfPosition = asOfPosition
        self.position = position
        self.lastEventAt = lastEventAt
        self.facts = facts
        self.units = units
    }

    /// Folds one more event of the dataset's stream (the next version) into the state and
    /// the facts.
    public mutating func apply(_ recorded: RecordedEvent, _ event: DomainEvent) {
        let at = Instant(recorded.recordedAt)
        let position = recorded.position
        let actor = recorded.actor
        func touch(_ id: SampleID, labels: Bool) {
            guard facts[id] != nil else { return }
            facts[id]!.lastPosition = position
            facts[id]!.lastActor = actor
            if labels { facts[id]!.labelsAt = at }
        }
        switch event {
        case let .samplesAdded(e):
            facts.reserveCapacity(facts.count + e.samples.count)
            for (index, sample) in e.samples.enumerated() where facts[sample.id] == nil && state.samples[sample.id] == nil {
                facts[sample.id] = SampleFacts(
                    seq: Int64(position) << 20 | Int64(index), sourcePath: sample.sourcePath,
                    contentSHA256: sample.contentSHA256, usage: sample.usage, labelsAt: sample.labelsCreatedAt ?? at,
                    lastPosition: position, lastActor: actor)
            }
        case let .samplesDeleted(e): for s in e.samples { facts[s.id] = nil }
        case let .sampleLabelsReplaced(e): for s in e.samples { touch(s.sampleID, labels: true) }
        case let .samplesConfirmed(e): for s in e.samples { touch(s.sampleID, labels: true) }
        case let .samplesAutoLabeled(e): for s in e.samples { touch(s.sampleID, labels: true) }
        case let .samplesRejected(e): for s in e.samples { touch(s.sampleID, labels: false) }
        case let .labelDeleted(e): for id in e.strippedSamples { touch(id, labels: false) }
        case let .samplesMarkedHard(e): for id in e.sampleIDs { touch(id, labels: false) }
        case let .hardMarksCleared(e): for id in e.sampleIDs { touch(id, labels: false) }
        case let .hardExamplesDetected(e): for s in e.samples { touch(s.sampleID, labels: false) }
        case .datasetDeleted: facts = [:]
        default: break
        }
        evolve(&state, event)
        state.version = recorded.streamVersion
        self.position = position
        lastEventAt = recorded.recordedAt
        units += SnapshotRule.weight(of: event)
    }
}

/// The one as-of implementation: every read of a dataset "as it was" (the API's
/// `as_of_position`/`as_of_time` on a dataset, its tabs and its stats, `labelledger replay`,
/// exports) is a ``DatasetAtPosition`` made here, and dataset snapshots are made by it too.
///
/// ```swift
/// if let then = try DatasetReplay.replay("ds-1", log: log, upTo: 1_200, snapshots: store) {
///     print(DatasetSummary(then.state).sampleStats)
/// }
/// ```
///
/// Cost: with `snapshots`, the newest valid snapshot at or before the position is read and
/// only the stream's events after it are folded (read through the log's stream index, never
/// the whole log); without, the stream is folded from its first event.
public enum DatasetReplay {
    /// Replays `dataset` up to and including `position` (nil: everything durable now).
    /// - Returns: nil when the dataset was not created by then; a deleted dataset is
    ///   returned with its ``DatasetState/deletion`` set (callers decide what to show).
    /// - Throws: ``ServiceError/log(_:)``, ``ServiceError/undecodableEvent(position:type:reason:)``.
    public static func replay(
        _ dataset: DatasetID, reader: EventReader, upTo position: UInt64? = nil, snapshots: SnapshotStore? = nil
    ) throws(ServiceError) -> DatasetAtPosition? {
        let limit: UInt64
        if let position {
            limit = position
        } else {
            do { limit = try reader.currentHead() } catch { throw .log(error) }
        }
        var result = snapshots?.base(of: dataset, atOrBefore: limit, log: reader) ?? DatasetAtPosition()
        result.asOfPosition = limit
        try DatasetStream.forEach(
            in: reader, stream: StreamNames.dataset(dataset), fromVersion: result.state.version + 1, upTo: limit
        ) { recorded, event throws(ServiceError) in
            result.apply(recorded, event)
        }
        return result.state.isCreated ? result : nil
    }

    /// The same, on the embedded log.
    public static func replay(
        _ dataset: DatasetID, log: EventLog, upTo position: UInt64? = nil, snapshots: SnapshotStore? = nil
    ) throws(ServiceError) -> DatasetAtPosition? {
        try replay(dataset, reader: EventReader(log), upTo: position ?? log.head, snapshots: snapshots)
    }

    /// The last position the log recorded at or before `date` (0 when it has nothing that old).
    public static func position(asOf date: Date, reader: EventReader) throws(ServiceError) -> UInt64 {
        do {
            return try reader.position(at: date)
        } catch {
            throw .log(error)
        }
    }

    /// The same, on the embedded log.
    public static func position(asOf date: Date, log: EventLog) throws(ServiceError) -> UInt64 {
        try position(asOf: date, reader: EventReader(log))
    }
}
