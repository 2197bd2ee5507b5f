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

/// `sample_state` values of the service (responses spell them in Projections' `SampleDocument`).
enum SampleStatusName {
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
