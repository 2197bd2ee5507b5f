import Foundation
import SwiftProtobuf

// Conversions between the domain's value types and the generated protobuf
// messages, shared by the event codec and the snapshot codec. Decoding
// directions throw `DomainError.malformedPayload` with an empty type that the
// caller fills in (see `DomainError.inPayload(_:)`).

typealias PB = Labelledger_Domain_LabelDefinitionProto

extension DomainError {
    static func malformed(_ reason: String) -> DomainError { .malformedPayload(type: "", reason: reason) }

    /// Names the event type in a malformed-payload error raised by a shared conversion.
    func inPayload(_ type: String) -> DomainError {
        if case .malformedPayload(let existing, let reason) = self, existing.isEmpty {
            return .malformedPayload(type: type, reason: reason)
        }
        return self
    }
}

extension Double {
    /// A number read from a payload or snapshot, refused when NaN: the decider writes none
    /// (scores, coefficients, percentages and the target accuracy are range-checked, metrics
    /// are refused with ``DomainError/invalidMetric(name:)``), and a NaN is unequal to itself,
    /// so a state holding one would never compare equal to its own replay.
    static func decoded(_ value: Double, _ field: String) throws(DomainError) -> Double {
        guard !value.isNaN else { throw .malformed("\(field) is NaN") }
        return value
    }
}

extension [String: Double] {
    /// Metrics read from a payload or snapshot: no value is NaN (see ``Swift/Double/decoded(_:_:)``).
    static func decoded(_ metrics: [String: Double]) throws(DomainError) -> [String: Double] {
        if let name = metrics.keys.sorted().first(where: { metrics[$0]!.isNaN }) {
            throw .malformed("metric '\(name)' is NaN")
        }
        return metrics
    }
}

/// Enums whose raw values equal their protobuf enum's numbers.
protocol ProtoMirroredEnum: RawRepresentable where RawValue == Int {
    associatedtype Proto: SwiftProtobuf.Enum
}

extension ProtoMirroredEnum {
    var proto: Proto { Proto(rawValue: rawValue)! }

    static func from(_ proto: Proto, field: String) throws(DomainError) -> Self {
        guard let value = Self(rawValue: proto.rawValue) else {
            throw .malformed("\(field) has unknown value \(proto.rawValue)")
        }
        return value
    }
}

extension LabelingType: ProtoMirroredEnum { typealias Proto = Labelledger_Domain_LabelingTypeProto }
extension SampleState: ProtoMirroredEnum { typealias Proto = Labelledger_Domain_SampleStateProto }
extension TaskType: ProtoMirroredEnum { typealias Proto = Labelledger_Domain_TaskTypeProto }
extension AutoLabelAlgorithm: ProtoMirroredEnum { typealias Proto = Labelledger_Domain_AlgorithmProto }
extension TaskPhase: ProtoMirroredEnum { typealias Proto = Labelledger_Domain_TaskPhaseProto }

extension SampleUsage {
    static func proto(_ usage: SampleUsage?) -> Labelledger_Domain_SampleUsageProto {
        guard let usage else { return .usageUnspecified }
        return Labelledger_Domain_SampleUsageProto(rawValue: usage.rawValue)!
    }

    static func from(_ proto: Labelledger_Domain_SampleUsageProto) throws(DomainError) -> SampleUsage? {
        if proto == .usageUnspecified { return nil }
        guard let usage = SampleUsage(rawValue: proto.rawValue) else {
            throw .malformed("usage has unknown value \(proto.rawValue)")
        }
        return usage
    }
}

extension LabelDefinition {
    var proto: Labelledger_Domain_LabelDefinitionProto {
        var p = Labelledger_Domain_LabelDefinitionProto()
        p.name = name
        p.color = color
        return p
    }

    init(_ proto: Labelledger_Domain_LabelDefinitionProto) {
        self.init(name: proto.name, color: proto.color)
    }
}

extension ModelRef {
    var proto: Labelledger_Domain_ModelRefProto {
        var p = Labelledger_Domain_ModelRefProto()
        p.name = name
        p.version = version
        return p
    }

    init(_ proto: Labelledger_Domain_ModelRefProto) {
        self.init(name: proto.name, version: proto.version)
    }
}

extension BoundingBox {
    var proto: Labelledger_Domain_BoundingBoxProto {
        var p = Labelledger_Domain_BoundingBoxProto()
        p.x1 = x1
        p.y1 = y1
        p.x2 = x2
        p.y2 = y2
        return p
    }

    init(_ proto: Labelledger_Domain_BoundingBoxProto) {
        self.init(x1: proto.x1, y1: proto.y1, x2: proto.x2, y2: proto.y2)
    }
}

extension Annotator {
    var proto: Labelledger_Domain_AnnotatorProto {
        var p = Labelledger_Domain_AnnotatorProto()
        switch self {
        case .human(let user): p.human = user
        case .activeLearning(let task): p.activeLearningTask = task.rawValue
        case .preLabelModel(let name, let version): p.preLabelModel = ModelRef(name: name, version: version).proto
        }
        return p
    }

    init(_ proto: Labelledger_Domain_AnnotatorProto) throws(DomainError) {
        switch proto.kind {
        case .human(let user): self = .human(user)
        case .activeLearningTask(let task): self = .activeLearning(TaskID(task))
        case .preLabelModel(let model): self = .preLabelModel(name: model.name, version: model.version)
        case nil: throw .malformed("label without annotator")
        }
    }
}

extension SampleLabel {
    var proto: Labelledger_Domain_SampleLabelProto {
        var p = Labelledger_Domain_SampleLabelProto()
        p.name = name
        if let box { p.box = box.proto }
        if let score { p.score = score }
        p.annotator = annotator.proto
        return p
    }

    init(_ proto: Labelledger_Domain_SampleLabelProto) throws(DomainError) {
        self.init(
            name: proto.name,
            box: proto.hasBox ? BoundingBox(proto.box) : nil,
            score: proto.hasScore ? try .decoded(proto.score, "score of label '\(proto.name)'") : nil,
            annotator: try Annotator(proto.annotator)
        )
    }
}

extension [SampleLabel] {
    var proto: [Labelledger_Domain_SampleLabelProto] { map(\.proto) }

    init(_ protos: [Labelledger_Domain_SampleLabelProto]) throws(DomainError) {
        var labels: [SampleLabel] = []
        labels.reserveCapacity(protos.count)
        for proto in protos { labels.append(try SampleLabel(proto)) }
        self = labels
    }
}

extension HardReason {
    static func from(codes: [UInt32]) throws(DomainError) -> [HardReason] {
        var reasons: [HardReason] = []
        reasons.reserveCapacity(codes.count)
        for code in codes {
            guard let reason = HardReason(rawValue: Int(code)) else {
                throw .malformed("hard reason \(code) is not a reason code")
            }
            reasons.append(reason)
        }
        return reasons
    }
}

extension [HardReason] {
    var codes: [UInt32] { map { UInt32($0.rawValue) } }
}

extension HardMark {
    var proto: Labelledger_Domain_HardMarkProto {
        var p = Labelledger_Domain_HardMarkProto()
        p.reasons = reasons.codes
        p.coefficient = coefficient
        switch origin {
        case .person(let user): p.origin.person = user
        case .task(let task): p.origin.task = task.rawValue
        }
        return p
    }

    init(_ proto: Labelledger_Domain_HardMarkProto) throws(DomainError) {
        let origin: Origin
        switch proto.origin.kind {
        case .person(let user): origin = .person(user)
        case .task(let task): origin = .task(TaskID(task))
        case nil: throw .malformed("hard mark without origin")
        }
        self.init(
            reasons: try HardReason.from(codes: proto.reasons), coefficient: try .decoded(proto.coefficient, "hard coefficient"),
            origin: origin)
    }
}

extension Instant {
    init(micros: Int64) { self.init(microsecondsSince1970: micros) }
    var micros: Int64 { microsecondsSince1970 }
}

extension [SampleID] {
    var rawValues: [String] { map(\.rawValue) }
    init(rawValues: [String]) { self = rawValues.map(SampleID.init(rawValue:)) }
}

extension SwiftProtobuf.Message {
    /// Deterministic bytes (map entries sorted) so that equal events encode equally.
    func deterministicBytes() -> Data {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        // Cannot fail: proto3 messages have no required fields and these hold no `Any`.
        return try! serializedBytes(options: options)
    }
}
