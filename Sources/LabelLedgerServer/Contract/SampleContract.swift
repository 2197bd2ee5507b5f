import Foundation
import Hummingbird
import LabelingDomain
import Projections

/// A label as the service's API spells it. Detection labels carry
/// `property["@modelarts:shape"] = "bndbox"` and `"@modelarts:coordinates": [[x1,y1],[x2,y2]]`.
struct SampleLabelDTO: Codable, Sendable {
    struct Property: Codable, Sendable {
        var shape: String?
        var coordinates: [[Int]]?
        enum CodingKeys: String, CodingKey {
            case shape = "@modelarts:shape"
            case coordinates = "@modelarts:coordinates"
        }
    }

    var name: String
    var type: Int?
    var score: Double?
    /// "human" or "auto" (responses); ignored in requests: the caller's token is the annotator.
    var annotated_by: String?
    /// Who exactly: `person:<user>`, `active-learning`, `model:<name>@<version>` (responses).
    var labeler: String?
    var property: Property?

    init(_ label: SampleLabel, type: LabelingType) {
        name = label.name
        self.type = type.rawValue
        score = label.score
        annotated_by = label.annotator.isMachine ? "auto" : "human"
        labeler = Labeler(label.annotator).storageKey
        property = label.box.map {
            Property(shape: "bndbox", coordinates: [[Int($0.x1), Int($0.y1)], [Int($0.x2), Int($0.y2)]])
        }
    }

    /// The label a person gives: a name, and a box from `@modelarts:coordinates`.
    func manualLabel() throws -> ManualLabel {
        guard let coordinates = property?.coordinates else { return ManualLabel(name: name) }
        guard coordinates.count == 2, coordinates.allSatisfy({ $0.count == 2 }),
            let values = Optional(coordinates.flatMap { $0 }), values.allSatisfy({ $0 >= Int(Int32.min) && $0 <= Int(Int32.max) })
        else {
            throw APIError(.unprocessableContent, code: "LabelLedger.API.4221", "label '\(name)': @modelarts:coordinates must be [[x1,y1],[x2,y2]]")
        }
        return ManualLabel(
            name: name,
            box: BoundingBox(x1: Int32(values[0]), y1: Int32(values[1]), x2: Int32(values[2]), y2: Int32(values[3])))
    }
}

struct SampleMetadataDTO: Codable, Sendable {
    var hard: Int?
    var hard_coefficient: Double?
    var hard_reasons: [Int]?
    var size: [Int]?
    enum CodingKeys: String, CodingKey {
        case hard = "@modelarts:hard"
        case hard_coefficient = "@modelarts:hard_coefficient"
        case hard_reasons = "@modelarts:hard_reasons"
        case size = "@modelarts:size"
    }
}

struct HardDetailEntryDTO: Codable, Sendable {
    var id: Int
    var reason: String
    var suggestion: String
}

/// `sample_status` values of the service.
enum SampleStatusName {
    static func name(_ state: SampleState) -> String {
        switch state {
        case .labeled: "__ALL__"
        case .unlabeled: "__NONE__"
        case .toBeConfirmed: "__AUTO_ANNOTATION__"
        }
    }

    static func tab(_ text: String?) throws -> SampleTab {
        guard let text, !text.isEmpty else { return .all }
        switch text {
        case "__ALL__", "labeled": return .labeled
        case "__NONE__", "unlabeled": return .unlabeled
        case "__AUTO_ANNOTATION__", "toBeConfirmed", "to_be_confirmed": return .toBeConfirmed
        case "all": return .all
        default:
            throw APIError.badRequest("sample_state '\(text)' is not __ALL__, __NONE__ or __AUTO_ANNOTATION__")
        }
    }
}

struct SampleDTO: ResponseEncodable, Sendable {
    var sample_id: String
    var sample_name: String
    var sample_type: Int
    var sample_status: String
    var source: String
    var labels: [SampleLabelDTO]
    var metadata: SampleMetadataDTO
    var hard_details: [String: HardDetailEntryDTO]?
    var labeler: String?
    var last_actor: String
    /// The log position of the last event that changed the sample.
    var position: UInt64
    var usage: String?

    init(_ view: SampleView, type: LabelingType, sampleID: String) {
        sample_id = sampleID
        sample_name = view.name
        sample_type = 0
        sample_status = SampleStatusName.name(view.state)
        source = view.sourcePath
        labels = view.labels.map { SampleLabelDTO($0, type: type) }
        metadata = SampleMetadataDTO(
            hard: view.isHard ? 1 : 0, hard_coefficient: view.hardCoefficient,
            hard_reasons: view.isHard ? view.hardReasons.map(\.rawValue) : nil,
            size: [view.width, view.height, view.channels])
        hard_details = view.isHard
            ? Dictionary(uniqueKeysWithValues: view.hardReasons.map {
                (String($0.rawValue), HardDetailEntryDTO(id: $0.rawValue, reason: $0.meaning, suggestion: Self.suggestion($0)))
            }) : nil
        labeler = view.labeler?.storageKey
        last_actor = view.lastActor
        position = view.lastPosition
        usage = view.usage?.manifestName
    }

    static func suggestion(_ reason: HardReason) -> String {
        switch reason {
        case .noTargetIdentified: "check whether the image shows any target, then label it by hand"
        case .lowConfidence: "check the predicted label first; add similar labeled images"
        default: "review the sample and correct its labels if needed"
        }
    }
}

struct SampleListResponse: ResponseEncodable, Sendable {
    var samples: [SampleDTO]
    /// Pass as `cursor` for the next page (keyset paging, stable under concurrent writes).
    var next_cursor: String?
    var position: UInt64
}

struct NewSampleDTO: Codable, Sendable {
    var name: String?
    /// Base64 image bytes (PNG or JPEG).
    var data: String?
    /// A path under one of the server's data roots.
    var source: String?
    var labels: [SampleLabelDTO]?
    var usage: String?
}

struct AddSamplesRequest: Codable, Sendable {
    var samples: [NewSampleDTO]
    /// false: the given labels are machine labels and the samples land To Be Confirmed.
    var final_annotation: Bool?
}

struct SampleResultDTO: Codable, Sendable {
    var success: Bool
    var sample_id: String?
    var error_code: String?
    var error_msg: String?

    init(_ result: SampleResult) {
        success = result.success
        sample_id = result.sampleID.rawValue
        error_code = result.errorCode
        error_msg = result.errorMessage
    }

    init(failure sampleID: String?, _ error: APIError) {
        success = false
        sample_id = sampleID
        error_code = error.code
        error_msg = error.message
    }
}

struct ResultsResponse: ResponseEncodable, Sendable {
    var success: Bool
    var results: [SampleResultDTO]
    /// The dataset version after the request (ETag).
    var version: UInt64
}

struct UpdateSamplesRequest: Codable, Sendable {
    struct Item: Codable, Sendable {
        var sample_id: String
        var labels: [SampleLabelDTO]?
    }
    var samples: [Item]
}

struct SampleIDsRequest: Codable, Sendable {
    var samples: [String]
}

struct HardMarkRequest: Codable, Sendable {
    var samples: [String]
    /// true: mark (needs reasons); false: clear the mark.
    var hard: Bool
    var reasons: [Int]?
    var coefficient: Double?
}
