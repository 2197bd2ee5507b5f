import Foundation
import GRDB
import LabelingDomain

extension ProjectionQueries {
    /// The tombstone of a deleted dataset, or nil (live, or never created).
    public func deletion(of dataset: DatasetID) throws(ProjectionError) -> DeletedDataset? {
        try read(.datasets) { db in
            try Row.fetchOne(
                db, sql: "SELECT deleted_by, deleted_at, position FROM deleted_datasets WHERE dataset = ?",
                arguments: [dataset.rawValue]
            ).map { row in
                DeletedDataset(
                    dataset: dataset, by: row[0], at: Instant(microsecondsSince1970: row[1]), position: UInt64(row[2] as Int64))
            }
        }
    }

    /// The dataset's continuous-mode setting as its last `ContinuousAutoLabelingConfigured`
    /// left it; nil when it was never configured.
    public func continuousSetting(of dataset: DatasetID) throws(ProjectionError) -> ContinuousAutoLabelingConfigured? {
        try read(.tasks) { db in
            try Row.fetchOne(
                db, sql: "SELECT new_samples, algorithm, configured_by, configured_at FROM continuous_settings WHERE dataset = ?",
                arguments: [dataset.rawValue]
            ).map { row in
                ContinuousAutoLabelingConfigured(
                    newSamples: row[0], algorithm: AutoLabelAlgorithm(rawValue: row[1]) ?? .accurate, by: row[2],
                    at: Instant(microsecondsSince1970: row[3]))
            }
        }
    }

    /// The models of one registry (`registry`: its stream, `models/<project>` or `models`),
    /// ordered by name then version.
    public func models(inRegistry registry: String) throws(ProjectionError) -> [ModelView] {
        try read(.tasks) { db in
            try Row.fetchAll(db, sql: """
                SELECT name, version, type, command, timeout_seconds, registered_by, registered_at, position
                FROM models WHERE registry = ? ORDER BY name, version
                """, arguments: [registry]
            ).map { row in
                let command: String = row[3]
                return ModelView(
                    ref: ModelRef(name: row[0], version: row[1]), type: LabelingType(rawValue: row[2]) ?? .imageClassification,
                    commandLine: try JSONDecoder().decode([String].self, from: Data(command.utf8)),
                    timeoutSeconds: UInt32(clamping: row[4] as Int64), registeredBy: row[5],
                    registeredAt: Instant(microsecondsSince1970: row[6]), position: UInt64(row[7] as Int64))
            }
        }
    }
}
