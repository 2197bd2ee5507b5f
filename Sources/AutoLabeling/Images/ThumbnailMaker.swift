import Dispatch
import Foundation
import LabelingDomain
import Synchronization

/// Makes JPEG thumbnails of sample images: decode (``ImageDecoder``, with its size limits),
/// shrink by area averaging so the longer side is at most the asked edge (never enlarged),
/// encode as JPEG, and keep the result in a bounded in-memory cache.
///
/// Invariants:
/// - the longer side of a thumbnail is `min(edge, longer side of the image)`, the aspect
///   ratio kept (each side at least 1 pixel);
/// - an `edge` is clamped into ``edgeRange`` (callers refuse others before asking);
/// - the cache holds at most ``cacheByteLimit`` bytes of JPEG, evicting the least recently
///   used; its key is the image's content hash and the edge, so a cached thumbnail can never
///   describe other bytes than those hashed;
/// - decoding and encoding run one at a time on a queue of their own, never on the
///   cooperative pool: the peak memory is one decoded image (bounded by ``ImageLimits``).
///
/// ```swift
/// let maker = ThumbnailMaker()
/// let jpeg = try await maker.thumbnail(path: "/data/cat.png", contentSHA256: sha, edge: 160)
/// ```
public final class ThumbnailMaker: Sendable {
    /// The edges a caller may ask for, in pixels.
    public static let edgeRange = 16...1024

    public let cacheByteLimit: Int
    private let queue = DispatchQueue(label: "labelledger.thumbnails")
    private let cache: Mutex<Cache>

    public init(cacheByteLimit: Int = 32 << 20) {
        self.cacheByteLimit = cacheByteLimit
        cache = Mutex(Cache())
    }

    /// The JPEG thumbnail of the image at `path` whose content hash is `contentSHA256`.
    /// - Throws: the decoder's errors for an image that cannot be read or decoded
    ///   (``ImageDecoder/decode(fileAt:)``).
    public func thumbnail(path: String, contentSHA256: String, edge requested: Int) async throws(AutoLabelingError) -> Data {
        let edge = min(max(requested, Self.edgeRange.lowerBound), Self.edgeRange.upperBound)
        let key = "\(contentSHA256)@\(edge)"
        if let hit = cache.withLock({ $0.get(key) }) { return hit }
        let result: Result<Data, AutoLabelingError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(AutoLabelingError) -> Data in
                    try Self.make(ImageDecoder.decode(fileAt: path), edge: edge)
                })
            }
        }
        let jpeg = try result.get()
        let limit = cacheByteLimit
        cache.withLock { $0.put(key, jpeg, limit: limit) }
        return jpeg
    }

    /// Bytes the cache holds now.
    public var cachedBytes: Int { cache.withLock { $0.bytes } }

    /// Shrinks `image` so its longer side is at most `edge` and encodes it as JPEG.
    public static func make(_ image: DecodedImage, edge: Int) throws(AutoLabelingError) -> Data {
        let (width, height) = size(width: image.width, height: image.height, edge: edge)
        let pixels = width == image.width && height == image.height ? image.rgb : shrink(image, width: width, height: height)
        return try JPEGCodec.encode(pixels: pixels, width: width, height: height, channels: 3, quality: 80)
    }

    /// The thumbnail's size: the longer side `min(edge, longer)`, the other in proportion (≥ 1).
    public static func size(width: Int, height: Int, edge: Int) -> (width: Int, height: Int) {
        let longer = max(width, height)
        guard longer > edge else { return (width, height) }
        let scale = Double(edge) / Double(longer)
        return (max(1, min(edge, Int((Double(width) * scale).rounded()))), max(1, min(edge, Int((Double(height) * scale).rounded()))))
    }

    /// Area averaging: each target pixel is the mean of the source pixels its area covers
    /// (whole pixels; every source pixel belongs to exactly one target pixel).
    static func shrink(_ image: DecodedImage, width: Int, height: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for ty in 0..<height {
            let y0 = ty * image.height / height, y1 = max(y0 + 1, (ty + 1) * image.height / height)
            for tx in 0..<width {
                let x0 = tx * image.width / width, x1 = max(x0 + 1, (tx + 1) * image.width / width)
                var sum = (0, 0, 0)
                for y in y0..<y1 {
                    var index = (y * image.width + x0) * 3
                    for _ in x0..<x1 {
                        sum.0 += Int(image.rgb[index])
                        sum.1 += Int(image.rgb[index + 1])
                        sum.2 += Int(image.rgb[index + 2])
                        index += 3
                    }
                }
                let count = (y1 - y0) * (x1 - x0)
                let target = (ty * width + tx) * 3
                out[target] = UInt8((sum.0 + count / 2) / count)
                out[target + 1] = UInt8((sum.1 + count / 2) / count)
                out[target + 2] = UInt8((sum.2 + count / 2) / count)
            }
        }
        return out
    }

    /// Least recently used entries go first once the byte total passes the limit.
    struct Cache: ~Copyable {
        private var entries: [String: (data: Data, tick: UInt64)] = [:]
        private var tick: UInt64 = 0
        private(set) var bytes = 0

        mutating func get(_ key: String) -> Data? {
            guard let entry = entries[key] else { return nil }
            tick += 1
            entries[key] = (entry.data, tick)
            return entry.data
        }

        mutating func put(_ key: String, _ data: Data, limit: Int) {
            guard data.count <= limit, entries[key] == nil else { return }
            tick += 1
            entries[key] = (data, tick)
            bytes += data.count
            while bytes > limit, let oldest = entries.min(by: { $0.value.tick < $1.value.tick }) {
                entries[oldest.key] = nil
                bytes -= oldest.value.data.count
            }
        }
    }
}
