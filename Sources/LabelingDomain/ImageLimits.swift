/// The largest image LabelLedger takes in, decodes or hands to a model.
///
/// One owner for the bound that every door applies: the API and the importer refuse a
/// larger sample (``DomainError/imageTooLarge(sample:width:height:)``, and a file over
/// ``maximumFileBytes`` before reading it), the decoder refuses one before allocating its
/// pixels. An image within both limits decodes in bounded memory: at most
/// ``maximumPixels`` × 4 bytes of pixels.
public enum ImageLimits {
    /// Width × height, in pixels.
    public static let maximumPixels: UInt64 = 50_000_000

    /// Size of an image file, in bytes.
    public static let maximumFileBytes: Int = 64 << 20

    /// True when a `width × height` image is within ``maximumPixels``.
    public static func allows(width: UInt64, height: UInt64) -> Bool {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        return !overflow && pixels <= maximumPixels
    }
}
