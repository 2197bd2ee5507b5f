import GRDB
import LabelingDomain

extension ProjectionQueries {
    /// Every live dataset whose id starts with `prefix` (`"<project>/"`: one project's), in
    /// id order: three range reads of one snapshot, however many datasets there are.
    /// Deleted datasets are not in the projection.
    public func datasetOverviews(prefix: String) throws(ProjectionError) -> [DatasetOverview] {
        try read(.datasets) { db in
            let (low, high) = (prefix, prefix + "\u{10FFFF}")
            var labels: [String: [DatasetOverview.Label]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT dataset, name, color FROM labels WHERE dataset >= ? AND dataset < ? ORDER BY dataset, ordinal",
                arguments: [low, high])
            {
                labels[row[0], default: []].append(DatasetOverview.Label(name: row[1], color: row[2]))
            }
            return try Row.fetchAll(db, sql: """
                SELECT d.dataset, d.name, d.type, d.description, d.version, d.last_position,
                    s.un_annotation, s.manual_annotation, s.auto_annotation, s.total
                FROM datasets d JOIN sample_stats s ON s.dataset = d.dataset
                WHERE d.dataset >= ? AND d.dataset < ? ORDER BY d.dataset
                """, arguments: [low, high]).map { row in
                    let id: String = row[0]
                    return DatasetOverview(
                        dataset: DatasetID(id), name: row[1], type: LabelingType(rawValue: row[2]) ?? .imageClassification,
                        description: row[3], labels: labels[id] ?? [], version: UInt64(row[4] as Int64),
                        lastPosition: UInt64(row[5] as Int64),
                        sampleStats: DatasetSummary.SampleStats(
                            unAnnotation: row[6], manualAnnotation: row[7], autoAnnotation: row[8], total: row[9]))
                }
        }
    }

    /// One live dataset, or nil when the projection has none (never created, or deleted).
    public func datasetOverview(_ dataset: DatasetID) throws(ProjectionError) -> DatasetOverview? {
        try datasetOverviews(prefix: dataset.rawValue).first { $0.dataset == dataset }
    }

    /// Auto-labeling tasks not finished yet (queued, initializing, running or stopping), of
    /// every dataset: the task queue's length.
    public func unfinishedTaskCount() throws(ProjectionError) -> Int {
        let unfinished = TaskStatus.allCases.filter { !$0.isTerminal }.map(\.rawValue)
        return try read(.tasks) { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM autolabel_tasks WHERE status IN (\(databaseQuestionMarks(count: unfinished.count)))",
                arguments: StatementArguments(unfinished)) ?? 0
        }
    }
}
