import Foundation
import GRDB
import LabelingDomain

extension ProjectionQueries {
    /// The samples each succeeded task of `dataset` skipped, with their reasons, for the
    /// tasks in `tasks` (a task that has not succeeded, or an unknown one, has no entry;
    /// a succeeded task that skipped nothing maps to an empty list).
    ///
    /// Read from the `tasks` projection's `result_skipped_samples` column in one read
    /// transaction, like every other query.
    ///
    /// ```swift
    /// let skipped = try queries.skippedSamples(of: "ds-1", tasks: ["task-1"])["task-1"] ?? []
    /// ```
    public func skippedSamples(of dataset: DatasetID, tasks: [TaskID]) throws(ProjectionError) -> [TaskID: [SkippedSample]] {
        guard !tasks.isEmpty else { return [:] }
        let generation = store.generation(.tasks)
        do {
            return try generation.pool.read { db in
                var out: [TaskID: [SkippedSample]] = [:]
                for chunk in stride(from: 0, to: tasks.count, by: 500).map({ Array(tasks[$0..<min($0 + 500, tasks.count)]) }) {
                    let marks = chunk.map { _ in "?" }.joined(separator: ",")
                    let rows = try Row.fetchAll(db, sql: """
                        SELECT task_id, result_skipped_samples FROM autolabel_tasks
                        WHERE dataset = ? AND task_id IN (\(marks)) AND result_total IS NOT NULL
                        """, arguments: StatementArguments([dataset.rawValue] + chunk.map(\.rawValue)))
                    for row in rows {
                        let json: String? = row[1]
                        let items = json.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [[String: String]] ?? []
                        out[TaskID(row[0] as String)] = items.compactMap { item in
                            guard let id = item["sample_id"] else { return nil }
                            return SkippedSample(sampleID: SampleID(id), reason: item["reason"] ?? "")
                        }
                    }
                }
                return out
            }
        } catch {
            throw ProjectionError.wrap(ProjectionKind.tasks.rawValue, error)
        }
    }
}
