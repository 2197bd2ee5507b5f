import Hummingbird
import LabelingDomain
import Projections

/// `labels[]` entries as the service spells them: `{name, type, property{"@modelarts:color"}}`.
struct LabelDTO: Codable, Sendable {
    var name: String
    var type: Int?
    var property: [String: String]?

    init(name: String, type: Int, color: String) {
        self.name = name
        self.type = type
        self.property = ["@modelarts:color": color]
    }

    /// The colour the request gives, if any; a label without one gets a distinct default
    /// (``LabelPalette``).
    var requestedColor: String? { property?["@modelarts:color"] }

    /// Definitions for the requested labels of a dataset whose labels are `existing`.
    static func definitions(_ labels: [LabelDTO], existing: [LabelDefinition]) -> [LabelDefinition] {
        LabelPalette.definitions(labels.map { ($0.name, $0.requestedColor) }, existing: existing)
    }
}

struct CreateDatasetRequest: Codable, Sendable {
    var dataset_name: String
    var dataset_type: Int
    var labels: [LabelDTO]?
    var description: String?
}

struct CreateDatasetResponse: ResponseEncodable, Sendable {
    var dataset_id: String
}

struct SampleStatsDTO: Codable, Sendable {
    var un_annotation: Int
    var manual_annotation: Int
    var auto_annotation: Int
    var total: Int
}

struct LabelStatDTO: Codable, Sendable {
    var name: String
    var type: Int
    var property: [String: String]
    var count: Int
    var sample_count: Int
}

struct HardDetailDTO: Codable, Sendable {
    var id: Int
    var reason: String
    var count: Int
}

struct StatsResponse: ResponseEncodable, Sendable {
    var label_stats: [LabelStatDTO]
    var sample_stats: SampleStatsDTO
    var hard_detail_stats: [String: HardDetailDTO]
    var version: UInt64
    var position: UInt64
}

struct DatasetResponse: ResponseEncodable, Sendable {
    var dataset_id: String
    var dataset_name: String
    var dataset_type: Int
    var description: String
    var labels: [LabelDTO]
    var sample_stats: SampleStatsDTO
    /// The stream version: the value for `If-Match`.
    var version: UInt64
    /// The log position the answer reflects (as-of queries, or the last applied event).
    var position: UInt64
}

/// The shape of `GET …/datasets`, which ``WireWriter/datasetList(_:position:)`` writes by hand
/// (tests hold the two to the same bytes).
struct DatasetListResponse: ResponseEncodable, Sendable {
    var datasets: [DatasetResponse]
    var total_number: Int
}

extension StatsResponse {
    init(_ stats: DatasetStats, labelType: Int) {
        label_stats = stats.labelStats.map {
            LabelStatDTO(name: $0.name, type: labelType, property: ["@modelarts:color": $0.color], count: $0.count, sample_count: $0.sampleCount)
        }
        sample_stats = SampleStatsDTO(stats.sampleStats)
        hard_detail_stats = Dictionary(uniqueKeysWithValues: stats.hardDetailStats.map { reason, count in
            (String(reason.rawValue), HardDetailDTO(id: reason.rawValue, reason: reason.meaning, count: count))
        })
        version = stats.version
        position = stats.lastPosition
    }
}

extension SampleStatsDTO {
    init(_ stats: DatasetSummary.SampleStats) {
        un_annotation = stats.unAnnotation
        manual_annotation = stats.manualAnnotation
        auto_annotation = stats.autoAnnotation
        total = stats.total
    }
}
