/// A rectangle on an image, in integer pixels, origin at the top-left corner.
///
/// A valid box has `x1 < x2`, `y1 < y2`, and lies inside its image:
/// `0 ≤ x1`, `x2 ≤ width`, `0 ≤ y1`, `y2 ≤ height` (see ``isValid(width:height:)``).
/// The type itself accepts any values so that facts read back from the log are
/// never rejected; `decide` refuses invalid boxes.
///
/// ```swift
/// let box = BoundingBox(x1: 10, y1: 20, x2: 110, y2: 80)  // 100 × 60
/// ```
public struct BoundingBox: Sendable, Hashable, CustomStringConvertible {
    public var x1: Int32
    public var y1: Int32
    public var x2: Int32
    public var y2: Int32

    public init(x1: Int32, y1: Int32, x2: Int32, y2: Int32) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
    }

    /// From the `x, y, w, h` form used by labeling UIs.
    public init(x: Int32, y: Int32, width: Int32, height: Int32) {
        self.init(x1: x, y1: y, x2: x &+ width, y2: y &+ height)
    }

    public var width: Int32 { x2 &- x1 }
    public var height: Int32 { y2 &- y1 }

    /// `x1 < x2` and `y1 < y2`.
    public var hasPositiveArea: Bool { x1 < x2 && y1 < y2 }

    /// True when the box has a positive area and lies inside a `width × height` image.
    public func isValid(width: UInt32, height: UInt32) -> Bool {
        hasPositiveArea && x1 >= 0 && y1 >= 0 && Int64(x2) <= Int64(width) && Int64(y2) <= Int64(height)
    }

    public var description: String { "[[\(x1),\(y1)],[\(x2),\(y2)]]" }
}
