import EventLog
import LabelingDomain
import LabelingService

/// Where each sample's image lives: the dataset state keeps no paths, so they are
/// read from the dataset stream's `SamplesAdded` events (O(stream), once per task).
enum SampleSources {
    static func paths(of dataset: DatasetID, in log: EventLog) throws -> [SampleID: String] {
        var paths: [SampleID: String] = [:]
        for recorded in try log.read(stream: StreamNames.dataset(dataset)) where recorded.type == "SamplesAdded" {
            guard case .samplesAdded(let added) = try DomainEvent.decode(
                type: recorded.type, schemaVersion: recorded.schemaVersion, payload: recorded.payload)
            else { continue }
            for sample in added.samples { paths[sample.id] = sample.sourcePath }
        }
        return paths
    }
}
