import EventLog
import LabelingDomain
import LabelingService

/// Where each sample's image lives: the dataset state keeps no paths, so they are
/// read from the dataset stream's `SamplesAdded` events (O(stream), once per task).
enum SampleSources {
    static func paths(of dataset: DatasetID, in log: any EventStore) async throws -> [SampleID: String] {
        var paths: [SampleID: String] = [:]
        for try await recorded in log.events(stream: StreamNames.dataset(dataset), fromVersion: 1) where recorded.type == "SamplesAdded" {
            guard case .samplesAdded(let added) = try DomainEvent.decode(
                type: recorded.type, schemaVersion: recorded.schemaVersion, payload: recorded.payload)
            else { continue }
            for sample in added.samples { paths[sample.id] = sample.sourcePath }
        }
        return paths
    }
}
