/// One label on a sample: a name from the dataset's label set, a box for
/// object detection, a confidence score for machine labels, and who annotated it.
///
/// Rules enforced by `decide` (never by this type, so that facts from the log
/// always decode): the name exists in the label set; classification labels
/// have no box; detection labels have a valid box inside the image; a score,
/// when present, is in [0, 1]; machine labels (auto-labeling) carry a score.
///
/// ```swift
/// let cat = SampleLabel(name: "cat", annotator: .human("ana"))
/// let dog = SampleLabel(name: "dog", box: BoundingBox(x1: 0, y1: 0, x2: 40, y2: 30),
///                       score: 0.93, annotator: .activeLearning("task-1"))
/// ```
public struct SampleLabel: Sendable, Hashable {
    public var name: String
    /// Object detection only.
    public var box: BoundingBox?
    /// Confidence of a machine label, in [0, 1].
    public var score: Double?
    public var annotator: Annotator

    public init(name: String, box: BoundingBox? = nil, score: Double? = nil, annotator: Annotator) {
        self.name = name
        self.box = box
        self.score = score
        self.annotator = annotator
    }
}
