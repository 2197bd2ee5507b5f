// Fuzzes the auto-labeling image decoder (libpng, libjpeg): any bytes give a decoded
// image within the pixel limit or an error, never a crash or an allocation the header
// asks for beyond the limit (image bombs).
import AutoLabeling
import Foundation
import FuzzSupport
import LabelingDomain

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageDecoder(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let image = try? ImageDecoder.decode(fuzzInput(start, count), path: "fuzz") else { return 0 }
    precondition(image.width > 0 && image.height > 0, "decoded an empty image")
    precondition(UInt64(image.width * image.height) <= ImageLimits.maximumPixels, "decoded past the pixel limit")
    precondition(image.rgb.count == image.width * image.height * 3, "rgb size does not match the image")
    return 0
}

fuzzMain(fuzzImageDecoder)
