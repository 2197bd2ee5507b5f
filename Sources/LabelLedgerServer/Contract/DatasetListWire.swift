import LabelingDomain
import Projections

/// A project's dataset list as the v2 API shows it (`GET /v2/{project_id}/datasets`),
/// written from the query API's ``Projections/DatasetOverview`` values.
///
/// ```json
/// {"datasets":[{"dataset_id":"d1","dataset_name":"cats","dataset_type":0,"description":"",
///   "labels":[{"name":"cat","property":{"@modelarts:color":"#3399ff"},"type":0}],"position":42,
///   "sample_stats":{"auto_annotation":0,"manual_annotation":1,"total":3,"un_annotation":2},"version":7}],
///  "total_number":1}
/// ```
///
/// Invariant: the same bytes as ``DatasetListResponse`` (each dataset a ``DatasetResponse``)
/// through ``WireWriter/encode(_:)`` — keys in byte order, the same escapes — so one dataset is
/// spelled the same way here and in `GET …/datasets/{id}`. Written by hand, not through
/// `Encodable`: a list holds every dataset of a project.
extension WireWriter {
    /// `{"datasets":[…],"total_number":N}`, each dataset showing `position`.
    mutating func datasetList(_ overviews: [DatasetOverview], position: UInt64) {
        append("{\"datasets\":[")
        for (index, overview) in overviews.enumerated() {
            if index > 0 { append(",") }
            dataset(overview, position: position)
        }
        append("],\"total_number\":")
        appendInt(Int64(overviews.count))
        append("}")
    }

    /// One dataset object: `dataset_id`, `dataset_name`, `dataset_type`, `description`,
    /// `labels`, `position`, `sample_stats`, `version`.
    private mutating func dataset(_ overview: DatasetOverview, position: UInt64) {
        let type = Int64(overview.type.rawValue)
        append("{\"dataset_id\":")
        appendString(RouteSupport.publicID(overview.dataset))
        append(",\"dataset_name\":")
        appendString(overview.name)
        append(",\"dataset_type\":")
        appendInt(type)
        append(",\"description\":")
        appendString(overview.description)
        append(",\"labels\":[")
        for (index, label) in overview.labels.enumerated() {
            if index > 0 { append(",") }
            append("{\"name\":")
            appendString(label.name)
            append(",\"property\":{\"@modelarts:color\":")
            appendString(label.color)
            append("},\"type\":")
            appendInt(type)
            append("}")
        }
        append("],\"position\":")
        appendUnsigned(position)
        let stats = overview.sampleStats
        append(",\"sample_stats\":{\"auto_annotation\":")
        appendInt(Int64(stats.autoAnnotation))
        append(",\"manual_annotation\":")
        appendInt(Int64(stats.manualAnnotation))
        append(",\"total\":")
        appendInt(Int64(stats.total))
        append(",\"un_annotation\":")
        appendInt(Int64(stats.unAnnotation))
        append("},\"version\":")
        appendUnsigned(overview.version)
        append("}")
    }
}
