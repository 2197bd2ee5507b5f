import Foundation
import Hummingbird
import LabelingDomain
import Projections

/// A label as the service's API spells it. Detection labels carry
/// `property["@modelarts:shape"] = "bndbox"` and the box, either as
/// `"@modelarts:coordinates": [[x1,y1],[x2,y2]]` or as the service's own
/// `"@modelarts:feature"`: `[[x1,y1],[x2,y2]]` or `{"coordinates": [[x1,y1],[x2,y2]]}` (the
/// form the pre-label contract uses). Responses spell it `@modelarts:coordinates`.
struct SampleLabelDTO: Codable, Sendable {
    struct Property: Codable, Sendable {
        var shape: String?
        var coordinates: [[Int]]?
        var feature: Feature?
        enum CodingKeys: String, CodingKey {
            case shape = "@modelarts:shape"
            case coordinates = "@modelarts:coordinates"
            case feature = "@modelarts:feature"
        }
    }

    /// `@modelarts:feature`: the points themselves, or an object holding them as `coordinates`.
    struct Feature: Codable, Sendable {
        var points: [[Int]]
        enum CodingKeys: String, CodingKey { case coordinates }

        init(from decoder: any Decoder) throws {
            if let points = try? decoder.singleValueContainer().decode([[Int]].self) {
                self.points = points
            } else {
                points = try decoder.container(keyedBy: CodingKeys.self).decode([[Int]].self, forKey: .coordinates)
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(points)
        }
    }

    var name: String
    var type: Int?
    var score: Double?
    /// "human" or "auto" (responses); ignored in requests: the caller's token is the annotator.
    var annotated_by: String?
    /// Who exactly: `person:<user>`, `active-learning`, `model:<name>:<version>` (responses).
    var labeler: String?
    var property: Property?

    /// The label a person gives: a name, and a box from `@modelarts:coordinates` or
    /// `@modelarts:feature` (both may be given when they name the same box).
    func manualLabel() throws -> ManualLabel {
        if let coordinates = property?.coordinates, let feature = property?.feature?.points, coordinates != feature {
            throw APIError(
                .unprocessableContent, code: "LabelLedger.API.4221",
                "label '\(name)': @modelarts:coordinates and @modelarts:feature name different boxes")
        }
        guard let coordinates = property?.coordinates ?? property?.feature?.points else { return ManualLabel(name: name) }
        guard coordinates.count == 2, coordinates.allSatisfy({ $0.count == 2 }),
            let values = Optional(coordinates.flatMap { $0 }), values.allSatisfy({ $0 >= Int(Int32.min) && $0 <= Int(Int32.max) })
        else {
            throw APIError(.unprocessableContent, code: "LabelLedger.API.4221", "label '\(name)': @modelarts:coordinates (or @modelarts:feature) must be [[x1,y1],[x2,y2]]")
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
    /// true: mark (reasons optional: a person's mark needs no machine reason code); false:
    /// clear the mark.
    var hard: Bool
    var reasons: [Int]?
    var coefficient: Double?
}

/// A request body that names samples (and may carry labels for them): its size is checked
/// against the server's per-request limits as it is decoded
/// (``RouteSupport/checkSize(of:)``), before any sample is looked at.
protocol SampleBatchRequest {
    var sampleCount: Int { get }
    var labelCount: Int { get }
}

extension AddSamplesRequest: SampleBatchRequest {
    var sampleCount: Int { samples.count }
    var labelCount: Int { samples.reduce(0) { $0 + ($1.labels?.count ?? 0) } }
}

extension UpdateSamplesRequest: SampleBatchRequest {
    var sampleCount: Int { samples.count }
    var labelCount: Int { samples.reduce(0) { $0 + ($1.labels?.count ?? 0) } }
}

extension SampleIDsRequest: SampleBatchRequest {
    var sampleCount: Int { samples.count }
    var labelCount: Int { 0 }
}

extension HardMarkRequest: SampleBatchRequest {
    var sampleCount: Int { samples.count }
    var labelCount: Int { 0 }
}
