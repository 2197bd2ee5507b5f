import LabelingDomain
import LabelingService

/// Tabs and statistics of a dataset as it was at a position, answered from the one as-of
/// implementation's value (``LabelingService/DatasetAtPosition``, made by
/// ``LabelingService/DatasetReplay`` from the newest snapshot at or before the position and
/// the events after it) with the live tabs' rules: the same filters, order, keyset cursors,
/// validation and errors as ``ProjectionQueries/tab(_:)`` and ``ProjectionQueries/stats(of:)``
/// (as of the head they are equal; the as-of tests compare both at many positions).
///
/// ```swift
/// let then = try DatasetReplay.replay("ds-1", log: log, upTo: 1_200, snapshots: snapshots)!
/// let page = try AsOfView(then).tab(SampleQuery(dataset: "ds-1", tab: .labeled, limit: 100))
/// ```
///
/// Cost: a page is one pass over the dataset's samples (filters, then the page's keys kept
/// in a bounded sorted buffer); nothing is written anywhere.
public struct AsOfView: Sendable {
    public let dataset: DatasetAtPosition

    public init(_ dataset: DatasetAtPosition) {
        self.dataset = dataset
    }

    /// One page of a tab as it was. See ``SampleQuery``.
    /// - Throws: ``ProjectionError/invalidQuery(field:reason:)``; ``ProjectionError/datasetNotFound(_:)``
    ///   when the dataset was deleted by then.
    public func tab(_ query: SampleQuery) throws(ProjectionError) -> TabPage {
        try query.validate()
        let state = dataset.state
        guard state.exists else { throw .datasetNotFound(query.dataset) }
        let descending = query.order == .desc
        let wanted = query.offset + query.limit + 1
        let prefix = query.namePrefix.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        let prefixEnd = prefix.map { $0 + Array("\u{10FFFF}".utf8) }
        // The page's keys, best first; at most `wanted`.
        var keys: [(seq: Int64, id: SampleID)] = []
        keys.reserveCapacity(min(wanted, 1_024))
        for (id, record) in state.samples {
            guard let facts = dataset.facts[id] else { continue }
            let seq = facts.seq
            if let cursor = query.cursor, descending ? seq >= cursor.sortKey : seq <= cursor.sortKey { continue }
            if keys.count == wanted, let last = keys.last, descending ? seq <= last.seq : seq >= last.seq { continue }
            if let tabState = query.tab.state, record.state != tabState { continue }
            if let hard = query.hard, (record.hardMark != nil) != hard { continue }
            let labels = record.visibleLabels
            if let name = query.labelName, !labels.contains(where: { $0.name == name }) { continue }
            if let labeler = query.labeler, StoredLabels.labeler(labels) != labeler.name { continue }
            if let range = query.scoreRange {
                guard let score = StoredLabels.score(labels), range.contains(score) else { continue }
            }
            if let prefix, let prefixEnd {
                let name = Array(record.name.utf8)
                guard !name.lexicographicallyPrecedes(prefix), name.lexicographicallyPrecedes(prefixEnd) else { continue }
            }
            // Insert in order (binary search), dropping what falls beyond `wanted`.
            var low = 0, high = keys.count
            while low < high {
                let mid = (low + high) / 2
                if descending ? keys[mid].seq > seq : keys[mid].seq < seq { low = mid + 1 } else { high = mid }
            }
            keys.insert((seq, id), at: low)
            if keys.count > wanted { keys.removeLast() }
        }
        let rows = keys.dropFirst(query.offset).map { view($0.id) }
        let page = Array(rows.prefix(query.limit))
        let next = rows.count > query.limit ? page.last.map { SampleCursor(sortKey: $0.sortKey, order: query.order) } : nil
        return TabPage(type: state.type, samples: page, nextCursor: next)
    }

    /// Whether any sample had `labeler` as its labeler then.
    public func hasLabeler(_ labeler: Labeler) -> Bool {
        dataset.state.samples.values.contains { StoredLabels.labeler($0.visibleLabels) == labeler.name }
    }

    /// The statistics as they were.
    /// - Throws: ``ProjectionError/datasetNotFound(_:)`` when the dataset was deleted by then.
    public func stats() throws(ProjectionError) -> DatasetStats {
        let state = dataset.state
        guard state.exists else { throw .datasetNotFound(state.id) }
        let summary = DatasetSummary(state)
        return DatasetStats(
            dataset: state.id, name: summary.name, type: summary.type, version: summary.version,
            lastPosition: dataset.position, sampleStats: summary.sampleStats,
            labelStats: summary.labelStats.map {
                DatasetStats.LabelStatistic(
                    name: $0.name, color: $0.color, count: $0.count, sampleCount: $0.sampleCount,
                    pendingSampleCount: $0.pendingSampleCount)
            },
            hardSamples: summary.hardSamples, hardDetailStats: summary.hardReasonCounts)
    }

    /// A sample as a tab shows it (its labels through the stored form, as the live rows hold them).
    func view(_ id: SampleID) -> SampleView {
        let record = dataset.state.samples[id]!
        let facts = dataset.facts[id]!
        let labels = StoredLabels.decode(StoredLabels.json(record.visibleLabels))
        let mark = record.hardMark
        return SampleView(
            dataset: dataset.state.id, id: id, name: record.name, state: record.state, labels: labels,
            score: StoredLabels.score(record.visibleLabels),
            labeler: StoredLabels.labeler(record.visibleLabels).flatMap { Labeler($0) }, isHard: mark != nil,
            hardReasons: mark?.reasons ?? [], hardCoefficient: mark?.coefficient,
            hardOrigin: mark.map {
                switch $0.origin {
                case .person(let user): "person:\(user)"
                case .task(let task): "task:\(task)"
                }
            },
            width: Int(record.width), height: Int(record.height), channels: Int(record.channels),
            sourcePath: facts.sourcePath, contentSHA256: facts.contentSHA256, usage: facts.usage,
            addedPosition: facts.addedPosition, lastPosition: facts.lastPosition, lastActor: facts.lastActor,
            sortKey: facts.seq)
    }
}
