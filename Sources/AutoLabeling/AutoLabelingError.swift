import Foundation
import LabelingDomain

/// Every failure of the auto-labeling module, each with a stable code and a
/// human message naming the rule and the offending item.
///
/// Codes are `LabelLedger.AutoLabel.NNN` and never change meaning.
public enum AutoLabelingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read from disk.
    case unreadableImage(path: String, reason: String)
    /// The bytes are neither PNG nor JPEG.
    case unsupportedImageFormat(path: String)
    /// libpng or libjpeg refused the bytes.
    case corruptImage(path: String, reason: String)
    /// The header declares more than ``ImageLimits/maximumPixels`` pixels: refused before
    /// any pixel memory is allocated.
    case imageTooLarge(path: String, width: Int, height: Int)
    /// The file is larger than ``ImageLimits/maximumFileBytes``: refused before reading it.
    case imageFileTooLarge(path: String, bytes: Int)
    /// Training needs at least two classes with labeled samples.
    case notEnoughTrainingData(reason: String)
    /// The dataset named by a task does not exist.
    case datasetNotFound(String)
    /// The task named by an event is not in its dataset.
    case taskNotFound(dataset: String, task: String)
    /// The registered model of a pre-label task is missing from the registry.
    case modelNotRegistered(String)
    /// The model command could not be started.
    case modelLaunchFailed(model: String, reason: String)
    /// The model command exited with a non-zero status.
    case modelExited(model: String, status: Int32, stderr: String)
    /// The model command ran longer than its registered timeout.
    case modelTimedOut(model: String, seconds: UInt32, stderr: String)
    /// The model wrote a predictions manifest this module cannot read.
    case malformedPredictions(model: String, line: Int, reason: String)
    /// A labeling command of the task was refused by the service.
    case commandRefused(command: String, code: String, message: String)
    /// The reactor's checkpoint file exists but cannot be read or written.
    case checkpointUnusable(path: String, reason: String)
    /// A line of a pixel table (``PixelTable``) breaks its rules: named by its 1-based line number.
    case pixelTableRowRefused(line: Int, reason: String)
    /// A pixel table holds fewer than two images, or fewer than two labels.
    case pixelTableTooSmall(reason: String)

    /// The stable code.
    public var code: String {
        switch self {
        case .unreadableImage: "LabelLedger.AutoLabel.001"
        case .unsupportedImageFormat: "LabelLedger.AutoLabel.002"
        case .corruptImage: "LabelLedger.AutoLabel.003"
        case .imageTooLarge: "LabelLedger.AutoLabel.200"
        case .imageFileTooLarge: "LabelLedger.AutoLabel.201"
        case .notEnoughTrainingData: "LabelLedger.AutoLabel.010"
        case .datasetNotFound: "LabelLedger.AutoLabel.020"
        case .taskNotFound: "LabelLedger.AutoLabel.021"
        case .modelNotRegistered: "LabelLedger.AutoLabel.030"
        case .modelLaunchFailed: "LabelLedger.AutoLabel.031"
        case .modelExited: "LabelLedger.AutoLabel.032"
        case .modelTimedOut: "LabelLedger.AutoLabel.033"
        case .malformedPredictions: "LabelLedger.AutoLabel.034"
        case .commandRefused: "LabelLedger.AutoLabel.040"
        case .checkpointUnusable: "LabelLedger.AutoLabel.050"
        case .pixelTableRowRefused: "LabelLedger.AutoLabel.260"
        case .pixelTableTooSmall: "LabelLedger.AutoLabel.261"
        }
    }

    /// A message for people: what rule failed, on what.
    public var message: String {
        switch self {
        case let .unreadableImage(path, reason): "image '\(path)' cannot be read: \(reason)"
        case let .unsupportedImageFormat(path): "image '\(path)' is neither PNG nor JPEG"
        case let .corruptImage(path, reason): "image '\(path)' is corrupt: \(reason)"
        case let .imageTooLarge(path, width, height):
            "image '\(path)' is \(width)×\(height): more than \(ImageLimits.maximumPixels) pixels, the largest image decoded"
        case let .imageFileTooLarge(path, bytes):
            "image '\(path)' is \(bytes) bytes: more than \(ImageLimits.maximumFileBytes), the largest image file read"
        case let .notEnoughTrainingData(reason): "not enough training data: \(reason)"
        case let .datasetNotFound(id): "dataset '\(id)' does not exist"
        case let .taskNotFound(dataset, task): "task '\(task)' does not exist in dataset '\(dataset)'"
        case let .modelNotRegistered(model): "model \(model) is not registered"
        case let .modelLaunchFailed(model, reason): "model \(model) could not be started: \(reason)"
        case let .modelExited(model, status, stderr):
            "model \(model) exited with status \(status)" + (stderr.isEmpty ? "" : "; stderr: \(stderr)")
        case let .modelTimedOut(model, seconds, stderr):
            "model \(model) ran longer than its timeout of \(seconds) s and was killed"
                + (stderr.isEmpty ? "" : "; stderr: \(stderr)")
        case let .malformedPredictions(model, line, reason):
            "model \(model) wrote an unreadable predictions manifest (line \(line)): \(reason)"
        case let .commandRefused(command, code, message): "command \(command) was refused: [\(code)] \(message)"
        case let .checkpointUnusable(path, reason): "reactor checkpoint '\(path)' is unusable: \(reason)"
        case let .pixelTableRowRefused(line, reason): "pixel table line \(line) refused: \(reason)"
        case let .pixelTableTooSmall(reason): "pixel table too small: \(reason)"
        }
    }

    public var description: String { "[\(code)] \(message)" }
}
