import GRDBSQLite
import LabelingDomain

/// A sample as the v2 API shows it (`GET …/data-annotations/samples`, `…/samples/{id}`),
/// rendered as JSON straight from a `samples` row: the only definition of that shape.
///
/// ```json
/// {"sample_id":"s1","sample_name":"cat.png","sample_type":0,"sample_status":"__ALL__",
///  "source":"/data/cat.png","labels":[{"name":"cat","type":0,"annotated_by":"human","labeler":"person:ana"}],
///  "metadata":{"@modelarts:hard":0,"@modelarts:size":[32,32,3]},"labeler":"person:ana",
///  "last_actor":"ana","position":42}
/// ```
///
/// Labels: `type` is the dataset's labeling type; `annotated_by` is `human` or `auto`;
/// `labeler` is ``Labeler/storageKey``; detection boxes are
/// `property{"@modelarts:shape":"bndbox","@modelarts:coordinates":[[x1,y1],[x2,y2]]}`.
/// A hard sample has `@modelarts:hard_reasons` and `hard_details` (reason code →
/// `{id, reason, suggestion}`).
///
/// A tab page renders 100 of these per request, so the stored `labels` JSON (see
/// ``StoredLabels``) is transcoded byte by byte, without decoding it into values.
enum SampleDocument {
    /// Decimals of the scores and hard coefficients a document shows (rounded half away from
    /// zero; the stored values keep full precision). A model's score is never 1 (see
    /// `ClassPrediction` in AutoLabeling), so rounded it is at most 0.999999.
    static let decimals = 6

    /// The columns ``write(_:type:into:)`` reads, in this order.
    static let columns = """
        s.seq, s.sample_id, s.name, s.state, s.source_path, s.labels, s.hard, s.hard_reasons, s.hard_coefficient,
        s.width, s.height, s.channels, s.annotated_by, s.last_actor, s.last_position, s.usage
        """

    /// Renders the current row of `statement` (selected with ``columns``).
    static func write(_ statement: OpaquePointer, type: LabelingType, into out: inout JSONBytes) {
        func text(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
            guard let pointer = sqlite3_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, column)))
        }
        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

        out.append("{\"sample_id\":")
        out.appendString(text(1))
        out.append(",\"sample_name\":")
        out.appendString(text(2))
        switch SampleState(rawValue: Int(sqlite3_column_int64(statement, 3))) ?? .unlabeled {
        case .labeled: out.append(",\"sample_type\":0,\"sample_status\":\"__ALL__\",\"source\":")
        case .unlabeled: out.append(",\"sample_type\":0,\"sample_status\":\"__NONE__\",\"source\":")
        case .toBeConfirmed: out.append(",\"sample_type\":0,\"sample_status\":\"__AUTO_ANNOTATION__\",\"source\":")
        }
        out.appendString(text(4))
        out.append(",\"labels\":")
        StoredLabels.writeDocument(text(5), type: type, into: &out)
        let hard = sqlite3_column_int64(statement, 6) != 0
        out.append(",\"metadata\":{\"@modelarts:hard\":")
        out.append(hard ? "1" : "0")
        if !isNull(8) {
            out.append(",\"@modelarts:hard_coefficient\":")
            out.appendRounded(sqlite3_column_double(statement, 8), places: decimals)
        }
        let reasons = hard ? text(7) : UnsafeBufferPointer(start: nil, count: 0)
        if hard {
            out.append(",\"@modelarts:hard_reasons\":[")
            var first = true
            SampleRow.forEachReason(in: reasons) { code in
                if !first { out.append(",") }
                first = false
                out.appendInt(Int64(code))
            }
            out.append("]")
        }
        out.append(",\"@modelarts:size\":[")
        out.appendInt(sqlite3_column_int64(statement, 9))
        out.append(",")
        out.appendInt(sqlite3_column_int64(statement, 10))
        out.append(",")
        out.appendInt(sqlite3_column_int64(statement, 11))
        out.append("]}")
        if hard {
            out.append(",\"hard_details\":{")
            var first = true
            SampleRow.forEachReason(in: reasons) { code in
                guard let detail = hardDetails[code] else { return }
                if !first { out.append(",") }
                first = false
                out.appendRaw(detail)
            }
            out.append("}")
        }
        if !isNull(12) {
            out.append(",\"labeler\":")
            out.appendString(text(12))
        }
        out.append(",\"last_actor\":")
        out.appendString(text(13))
        out.append(",\"position\":")
        out.appendInt(sqlite3_column_int64(statement, 14))
        if !isNull(15), let usage = SampleUsage(rawValue: Int(sqlite3_column_int64(statement, 15))) {
            out.append(",\"usage\":")
            out.appendString(usage.manifestName)
        }
        out.append("}")
    }

    /// `"<code>":{"id":<code>,"reason":…,"suggestion":…}` for every reason code.
    private static let hardDetails: [Int: [UInt8]] = {
        var table: [Int: [UInt8]] = [:]
        for code in HardReason.codes {
            guard let reason = HardReason(rawValue: code) else { continue }
            var entry = JSONBytes(capacity: 160)
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
