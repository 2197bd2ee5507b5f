import LabelingDomain
import Projections

/// A sample as the v2 API shows it (`GET …/data-annotations/samples`, `…/samples/{id}`),
/// written from the query API's ``Projections/SampleView``: the only definition of that shape.
///
/// ```json
/// {"labeler":"person:ana","labels":[{"annotated_by":"human","labeler":"person:ana","name":"cat","type":0}],
///  "last_actor":"ana","metadata":{"@modelarts:hard":0,"@modelarts:size":[32,32,3]},"position":42,
///  "sample_id":"s1","sample_name":"cat.png","sample_status":"__ALL__","sample_type":0,"source":"/data/cat.png"}
/// ```
///
/// Labels: `type` is the dataset's labeling type; `annotated_by` is `human` or `auto`;
/// `labeler` (of a label, and of the sample: its first visible label's) is
/// ``LabelingDomain/Labeler``'s one spelling; detection boxes are
/// `property{"@modelarts:coordinates":[[x1,y1],[x2,y2]],"@modelarts:shape":"bndbox"}`. A hard
/// sample has `@modelarts:hard_reasons` and `hard_details` (reason code →
/// `{id, reason, suggestion}`). Keys are in byte order, as ``WireWriter`` writes every object.
///
/// Written by hand, not through `Encodable`: a tab page writes 100 of these per request.
extension WireWriter {
    /// `{"next_cursor":…,"position":N,"samples":[…]}` (no `next_cursor` on the last page).
    mutating func tabPage(_ samples: [SampleView], type: LabelingType, nextCursor: SampleCursor?, position: UInt64) {
        if let nextCursor {
            append("{\"next_cursor\":")
            appendString(nextCursor.token)
            append(",\"position\":")
        } else {
            append("{\"position\":")
        }
        appendUnsigned(position)
        append(",\"samples\":[")
        for (index, sample) in samples.enumerated() {
            if index > 0 { append(",") }
            self.sample(sample, type: type)
        }
        append("]}")
    }

    /// One sample object.
    mutating func sample(_ view: SampleView, type: LabelingType) {
        append("{")
        if view.isHard {
            append("\"hard_details\":{")
            for (index, code) in view.hardReasons.map(\.rawValue).sorted(by: { String($0) < String($1) }).enumerated() {
                if index > 0 { append(",") }
                appendRaw(Self.hardDetails[code] ?? [])
            }
            append("},")
        }
        if let labeler = view.labeler {
            append("\"labeler\":")
            appendString(labeler.name)
            append(",")
        }
        append("\"labels\":[")
        for (index, label) in view.labels.enumerated() {
            if index > 0 { append(",") }
            self.label(label, type: type)
        }
        append("],\"last_actor\":")
        appendString(view.lastActor)
        append(",\"metadata\":{\"@modelarts:hard\":")
        append(view.isHard ? "1" : "0")
        if let coefficient = view.hardCoefficient {
            append(",\"@modelarts:hard_coefficient\":")
            appendScore(coefficient)
        }
        if view.isHard {
            append(",\"@modelarts:hard_reasons\":[")
            for (index, reason) in view.hardReasons.enumerated() {
                if index > 0 { append(",") }
                appendInt(Int64(reason.rawValue))
            }
            append("]")
        }
        append(",\"@modelarts:size\":[")
        appendInt(Int64(view.width))
        append(",")
        appendInt(Int64(view.height))
        append(",")
        appendInt(Int64(view.channels))
        append("]},\"position\":")
        appendUnsigned(view.lastPosition)
        append(",\"sample_id\":")
        appendString(view.id.rawValue)
        append(",\"sample_name\":")
        appendString(view.name)
        switch view.state {
        case .labeled: append(",\"sample_status\":\"__ALL__\"")
        case .unlabeled: append(",\"sample_status\":\"__NONE__\"")
        case .toBeConfirmed: append(",\"sample_status\":\"__AUTO_ANNOTATION__\"")
        }
        append(",\"sample_type\":0,\"source\":")
        appendString(view.sourcePath)
        if let usage = view.usage {
            append(",\"usage\":")
            appendString(usage.manifestName)
        }
        append("}")
    }

    /// One label: `annotated_by`, `labeler`, `name`, `property` (a box), `score`, `type`.
    private mutating func label(_ label: SampleLabel, type: LabelingType) {
        append(label.annotator.isMachine ? "{\"annotated_by\":\"auto\",\"labeler\":" : "{\"annotated_by\":\"human\",\"labeler\":")
        appendString(label.annotator.labeler.name)
        append(",\"name\":")
        appendString(label.name)
        if let box = label.box {
            append(",\"property\":{\"@modelarts:coordinates\":[[")
            appendInt(Int64(box.x1))
            append(",")
            appendInt(Int64(box.y1))
            append("],[")
            appendInt(Int64(box.x2))
            append(",")
            appendInt(Int64(box.y2))
            append("]],\"@modelarts:shape\":\"bndbox\"}")
        }
        if let score = label.score {
            append(",\"score\":")
            appendScore(score)
        }
        append(",\"type\":")
        appendInt(Int64(type.rawValue))
        append("}")
    }

    /// `"<code>":{"id":<code>,"reason":…,"suggestion":…}` for every reason code.
    private static let hardDetails: [Int: [UInt8]] = {
        var table: [Int: [UInt8]] = [:]
        for code in HardReason.codes {
            guard let reason = HardReason(rawValue: code) else { continue }
            var entry = WireWriter(capacity: 160)
            entry.appendString(String(code))
            entry.append(":{\"id\":")
            entry.appendInt(Int64(code))
            entry.append(",\"reason\":")
            entry.appendString(reason.meaning)
            entry.append(",\"suggestion\":")
            entry.appendString(reason.suggestion)
            entry.append("}")
            table[code] = entry.bytes
        }
        return table
    }()
}
