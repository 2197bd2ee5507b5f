import LabelingDomain

/// One row of the `samples` table as ``DatasetsApplier`` changes it: the stored facts,
/// with the visible labels decoded. The derived columns (`labels` JSON, `label_index`,
/// `score`, `annotated_by`) and the `sample_labels` rows are computed from ``labels``
/// when the row is written, so a row changed many times is encoded once.
struct SampleRow: Sendable {
    /// (position of the SamplesAdded event << 20) | index in it: immutable and unique.
    var seq: Int64
    var dataset: String
    var sampleID: String
    var name: String
    var state: SampleState
    /// Labels when labeled, predictions when to be confirmed, nothing when unlabeled.
    var labels: [SampleLabel]
    var hard: Bool
    var hardReasons: [Int]
    var hardCoefficient: Double?
    /// `person:<user>` or `task:<id>` while hard.
    var hardOrigin: String?
    var width: Int64
    var height: Int64
    var channels: Int64
    var sourcePath: String
    var contentSHA256: String
    var usage: Int?
    var addedPosition: UInt64
    var lastPosition: UInt64
    var lastActor: String

    /// Distinct label names with their instances: the `label_index` column, the
    /// `sample_labels` rows and the label counters.
    var labelCounts: [(name: String, instances: Int)] { StoredLabels.counts(labels) }

    /// The `hard_reasons` column: codes joined by commas.
    var reasonsColumn: String { hardReasons.map(String.init).joined(separator: ",") }

    static func parseReasons(_ column: String) -> [Int] {
        var codes: [Int] = []
        var column = column
        column.withUTF8 { forEachReason(in: $0) { codes.append($0) } }
        return codes
    }

    /// Calls `body` with each code of a `hard_reasons` column (decimal codes joined by commas,
    /// see ``reasonsColumn``), read from the column's bytes; anything but digits separates codes.
    @inline(__always)
    static func forEachReason(in column: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        var code = 0, digits = 0
        for byte in column {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 9 {
                code = code * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                if digits > 0 { body(code) }
                code = 0
                digits = 0
            }
        }
        if digits > 0 { body(code) }
    }
}
