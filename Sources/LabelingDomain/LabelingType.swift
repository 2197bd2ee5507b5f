/// What a dataset labels: the service's `dataset_type` / label type integer.
///
/// Only these two are supported; other service types (3 segmentation, 100+ text,
/// 200+ audio) cannot be created and are refused with
/// ``DomainError/unsupportedLabelingType(_:)``.
public enum LabelingType: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// One or more label names per image, no boxes.
    case imageClassification = 0
    /// Rectangles (``BoundingBox``) with a label name each.
    case objectDetection = 1

    public var description: String {
        switch self {
        case .imageClassification: "image classification"
        case .objectDetection: "object detection"
        }
    }
}
