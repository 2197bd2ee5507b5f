import EventLog
import LabelingDomain
import LabelingService

extension DatasetAtPosition {
    /// The dataset to export as of `position` (nil: now), through the one as-of
    /// implementation (``LabelingService/DatasetReplay``).
    /// - Throws: ``InterchangeError/datasetNotFound(_:)`` when it did not exist then (not
    ///   created yet, or already deleted: a deleted dataset has nothing left to export).
    public static func replay(_ dataset: DatasetID, log: EventLog, upTo position: UInt64? = nil) throws(InterchangeError)
        -> DatasetAtPosition
    {
        let found: DatasetAtPosition?
        do { found = try DatasetReplay.replay(dataset, log: log, upTo: position) } catch { throw .service(error) }
        guard let found, found.state.exists else { throw .datasetNotFound(dataset.rawValue) }
        return found
    }
}
