import Foundation
import LabelingDomain

/// Reads an image file and decodes it by its content (not its extension).
///
/// ```swift
/// let image = try ImageDecoder.decode(fileAt: "/data/cat.png")
/// ```
public enum ImageDecoder {
    /// The file's size is checked before it is read, and the image's declared size before
    /// its pixels are allocated (``ImageLimits``).
    /// - Throws: ``AutoLabelingError/unreadableImage(path:reason:)``,
    ///   ``AutoLabelingError/imageFileTooLarge(path:bytes:)``, ``AutoLabelingError/imageTooLarge(path:width:height:)``,
    ///   ``AutoLabelingError/unsupportedImageFormat(path:)`` or ``AutoLabelingError/corruptImage(path:reason:)``.
    public static func decode(fileAt path: String) throws(AutoLabelingError) -> DecodedImage {
        let bytes: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            guard size <= UInt64(ImageLimits.maximumFileBytes) else {
                throw AutoLabelingError.imageFileTooLarge(path: path, bytes: Int(clamping: size))
            }
            try handle.seek(toOffset: 0)
            // One byte past the limit: a file that grew since the check is still refused.
            bytes = try handle.read(upToCount: ImageLimits.maximumFileBytes + 1) ?? Data()
        } catch let error as AutoLabelingError {
            throw error
        } catch {
            throw .unreadableImage(path: path, reason: (error as NSError).localizedDescription)
        }
        guard bytes.count <= ImageLimits.maximumFileBytes else { throw .imageFileTooLarge(path: path, bytes: bytes.count) }
        return try decode(bytes, path: path)
    }

    /// Decodes bytes already in memory; `path` only names them in errors. Refuses an
    /// image declaring more than ``ImageLimits/maximumPixels`` pixels before allocating.
    public static func decode(_ bytes: Data, path: String) throws(AutoLabelingError) -> DecodedImage {
        if PNGCodec.isPNG(bytes) { return try PNGCodec.decode(bytes, path: path) }
        if JPEGCodec.isJPEG(bytes) { return try JPEGCodec.decode(bytes, path: path) }
        throw .unsupportedImageFormat(path: path)
    }
}
