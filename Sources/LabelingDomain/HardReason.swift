/// Why a sample is a hard example: the service's reason codes 0…30.
///
/// The raw values are the service's integers and part of the log format.
public enum HardReason: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case noTargetIdentified = 0
    case lowConfidence = 1
    case clusteringDisagrees = 2
    case farFromSameClassTrainingData = 3
    case inconsistentOnSimilarImages = 4
    case resolutionOutlier = 5
    case aspectRatioOutlier = 6
    case brightnessOutlier = 7
    case saturationOutlier = 8
    case colorRichnessOutlier = 9
    case sharpnessOutlier = 10
    case boxCountOutlier = 11
    case boxAreaSpreadOutlier = 12
    case boxAspectRatioOutlier = 13
    case boxAreaShareOutlier = 14
    case boxEdgeOutlier = 15
    case boxBrightnessOutlier = 16
    case boxSharpnessOutlier = 17
    case boxOverlapOutlier = 18
    case blurChangesPrediction = 19
    case horizontalFlipChangesPrediction = 20
    case cropChangesPrediction = 21
    case verticalFlipChangesPrediction = 22
    case scaleChangesPrediction = 23
    case translateChangesPrediction = 24
    case shearChangesPrediction = 25
    case superpixelsChangesPrediction = 26
    case sharpenChangesPrediction = 27
    case addChangesPrediction = 28
    case invertChangesPrediction = 29
    case predictedAbnormal = 30

    /// The valid codes.
    public static let codes: ClosedRange<Int> = 0...30

    /// The service's wording of the reason.
    public var meaning: String {
        switch self {
        case .noTargetIdentified: "no target object identified"
        case .lowConfidence: "low confidence"
        case .clusteringDisagrees: "clustering result on the training set disagrees with the prediction"
        case .farFromSameClassTrainingData: "prediction differs greatly from same-class training data"
        case .inconsistentOnSimilarImages: "consecutive similar images predicted inconsistently"
        case .resolutionOutlier: "image resolution far from the training data"
        case .aspectRatioOutlier: "image aspect ratio far from the training data"
        case .brightnessOutlier: "image brightness far from the training data"
        case .saturationOutlier: "image saturation far from the training data"
        case .colorRichnessOutlier: "image colour richness far from the training data"
        case .sharpnessOutlier: "image sharpness far from the training data"
        case .boxCountOutlier: "number of boxes far from the training data"
        case .boxAreaSpreadOutlier: "box area spread far from the training data"
        case .boxAspectRatioOutlier: "box aspect ratio far from the training data"
        case .boxAreaShareOutlier: "box area share far from the training data"
        case .boxEdgeOutlier: "box edge far from the training data"
        case .boxBrightnessOutlier: "box brightness far from the training data"
        case .boxSharpnessOutlier: "box sharpness far from the training data"
        case .boxOverlapOutlier: "box overlap far from the training data"
        case .blurChangesPrediction: "blur augmentation changes the prediction"
        case .horizontalFlipChangesPrediction: "left-right flip changes the prediction"
        case .cropChangesPrediction: "crop augmentation changes the prediction"
        case .verticalFlipChangesPrediction: "up-down flip changes the prediction"
        case .scaleChangesPrediction: "scale augmentation changes the prediction"
        case .translateChangesPrediction: "translate augmentation changes the prediction"
        case .shearChangesPrediction: "shear augmentation changes the prediction"
        case .superpixelsChangesPrediction: "superpixels augmentation changes the prediction"
        case .sharpenChangesPrediction: "sharpen augmentation changes the prediction"
        case .addChangesPrediction: "add augmentation changes the prediction"
        case .invertChangesPrediction: "invert augmentation changes the prediction"
        case .predictedAbnormal: "sample predicted to be abnormal"
        }
    }

    /// What a person should do about a sample flagged for this reason.
    public var suggestion: String {
        switch self {
        case .noTargetIdentified: "check whether the image shows any target, then label it by hand"
        case .lowConfidence: "check the predicted label first; add similar labeled images"
        default: "review the sample and correct its labels if needed"
        }
    }

    public var description: String { "\(rawValue) (\(meaning))" }
}
