/// One box the built-in detector found: a rectangle in image pixels (`[x1, x2) × [y1, y2)`,
/// fractional before it is rounded into a ``LabelingDomain/BoundingBox``), its class and score.
///
/// Invariant: `x1 < x2` and `y1 < y2`; `score` in [0, 1] is the model's probability of
/// `classIndex` for the window (before box refinement moved it).
public struct Detection: Sendable, Equatable {
    public var x1: Double
    public var y1: Double
    public var x2: Double
    public var y2: Double
    public var classIndex: Int
    public var score: Double

    public init(x1: Double, y1: Double, x2: Double, y2: Double, classIndex: Int, score: Double) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
        self.classIndex = classIndex
        self.score = score
    }

    public var width: Double { x2 - x1 }
    public var height: Double { y2 - y1 }

    /// Intersection over union of two rectangles (0 when either has no area).
    public func intersectionOverUnion(_ other: Detection) -> Double {
        Self.intersectionOverUnion((x1, y1, x2, y2), (other.x1, other.y1, other.x2, other.y2))
    }

    static func intersectionOverUnion(
        _ a: (Double, Double, Double, Double), _ b: (Double, Double, Double, Double)
    ) -> Double {
        let w = min(a.2, b.2) - max(a.0, b.0), h = min(a.3, b.3) - max(a.1, b.1)
        guard w > 0, h > 0 else { return 0 }
        let inter = w * h
        let union = (a.2 - a.0) * (a.3 - a.1) + (b.2 - b.0) * (b.3 - b.1) - inter
        return union > 0 ? inter / union : 0
    }

    /// Greedy non-maximum suppression, whatever the class (one object, one box): boxes by
    /// descending score (ties: top, left, class — so the result never depends on input order),
    /// each kept unless it overlaps a kept one by more than `overlap` IoU.
    public static func suppressed(_ boxes: [Detection], overlap: Double) -> [Detection] {
        let ordered = boxes.sorted {
            ($0.score, -$0.y1, -$0.x1, -$0.classIndex, -$0.y2, -$0.x2)
                > ($1.score, -$1.y1, -$1.x1, -$1.classIndex, -$1.y2, -$1.x2)
        }
        var kept: [Detection] = []
        for box in ordered where !kept.contains(where: { $0.intersectionOverUnion(box) > overlap }) {
            kept.append(box)
        }
        return kept
    }
}
