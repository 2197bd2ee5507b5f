import Foundation

/// Reads an image file and decodes it by its content (not its extension).
///
/// ```swift
/// let image = try ImageDecoder.decode(fileAt: "/data/cat.png")
/// ```
public enum ImageDecoder {
    /// - Throws: ``AutoLabelingError/unreadableImage(path:reason:)``,
    ///   ``AutoLabelingError/unsupportedImageFormat(path:)`` or ``AutoLabelingError/corruptImage(path:reason:)``.
    public static func decode(fileAt path: String) throws(AutoLabelingError) -> DecodedImage {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadableImage(path: path, reason: (error as NSError).localizedDescription)
        }
        return try decode(bytes, path: path)
    }

    /// Decodes bytes already in memory; `path` only names them in errors.
    public static func decode(_ bytes: Data, path: String) throws(AutoLabelingError) -> DecodedImage {
        if PNGCodec.isPNG(bytes) { return try PNGCodec.decode(bytes, path: path) }
        if JPEGCodec.isJPEG(bytes) { return try JPEGCodec.decode(bytes, path: path) }
        throw .unsupportedImageFormat(path: path)
    }
}
