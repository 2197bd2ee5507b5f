import LabelingDomain

/// Why ``SampleIntake`` refused an image, with a stable code.
///
/// | Code | Case |
/// |------|------|
/// | LabelLedger.Service.010 | notAnImage |
/// | LabelLedger.Service.011 | unreadable |
/// | LabelLedger.Service.012 | fileTooLarge |
/// | LabelLedger.Service.013 | storageFailed |
///
/// Doors keep their own public codes for these (the API's `LabelLedger.Import.012` and
/// `LabelLedger.API.4324`, the importer's `LabelLedger.Import.012`) and say the same message.
public enum SampleIntakeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes (or the file at `source`) are not a well-formed PNG or JPEG.
    case notAnImage(source: String?)
    /// No readable regular file at `path`.
    case unreadable(path: String)
    /// The file is larger than ``LabelingDomain/ImageLimits/maximumFileBytes``.
    case fileTooLarge(path: String, bytes: Int)
    /// Received bytes could not be kept under the data directory's `images/`.
    case storageFailed(path: String, reason: String)

    public var code: String {
        switch self {
        case .notAnImage: "LabelLedger.Service.010"
        case .unreadable: "LabelLedger.Service.011"
        case .fileTooLarge: "LabelLedger.Service.012"
        case .storageFailed: "LabelLedger.Service.013"
        }
    }

    public var message: String {
        switch self {
        case .notAnImage(nil): "data is not a PNG or JPEG image"
        case let .notAnImage(source?): "\(source) is not a readable PNG or JPEG image"
        case let .unreadable(path): "\(path) cannot be read"
        case let .fileTooLarge(path, bytes):
            "\(path) is \(bytes) bytes; an image file may have at most \(ImageLimits.maximumFileBytes)"
        case let .storageFailed(path, reason): "the image could not be stored at \(path): \(reason)"
        }
    }

    public var description: String { "[\(code)] \(message)" }
}
