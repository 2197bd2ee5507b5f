import EventLog
import Foundation
import LabelingDomain

/// Fresh identifiers for things a command creates (a dataset, a task), drawn from the
/// system's random generator.
public enum NewIdentifiers {
    /// A new dataset of `project`: its id in the log (`<project>/<hex>`) and the id clients
    /// see (`<hex>`, 20 hex digits: 80 random bits).
    public static func dataset(inProject project: String) -> (id: DatasetID, publicID: String) {
        let hex = String(UUID.random().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))
        return (DatasetID("\(project)/\(hex)"), hex)
    }

    /// A new task id: a random UUID, lower case.
    public static func task() -> TaskID {
        TaskID(UUID.random().uuidString.lowercased())
    }
}
