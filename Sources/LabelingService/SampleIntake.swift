import Crypto
import Foundation
import LabelingDomain

/// How a sample comes in, whatever the door (the API's `data` or `source`, the importer):
/// its id, its image's facts, and where the image is kept.
///
/// Invariants:
/// - **One rule names a sample**: ``sampleID(dataset:name:)``, the first 32 hex digits of
///   SHA-256 of `"<dataset id>|<sample name>"`. The same name in the same dataset is the same
///   id through every door; names are unique in a dataset (the domain refuses a second one),
///   so ids are too. A manifest line that carries its own `id` keeps it (a round trip through
///   export and import keeps every id).
/// - An image received as bytes is stored once, under ``DataDirectory/images`` named by the
///   SHA-256 of its content, written atomically; an image given as a file stays where it is
///   and is read in chunks, never whole, after its size is checked.
///
/// ```swift
/// let intake = SampleIntake(directory: data)
/// let image = try intake.store(bytes)
/// let sample = SampleIntake.sample(dataset: id, name: "cat-1.png", image: image)
/// ```
public struct SampleIntake: Sendable {
    /// An image taken in: where it is and what its header and bytes say.
    public struct Image: Sendable, Equatable {
        public var url: URL
        public var info: ImageInfo
    }

    public let directory: DataDirectory

    public init(directory: DataDirectory) {
        self.directory = directory
    }

    /// The id of the sample named `name` in `dataset`.
    public static func sampleID(dataset: DatasetID, name: String) -> SampleID {
        let digest = SHA256.hash(data: Data("\(dataset.rawValue)|\(name)".utf8))
        return SampleID(digest.prefix(16).map { String(format: "%02x", $0) }.joined())
    }

    /// Probes `bytes` and keeps them under ``DataDirectory/images`` (once per content).
    public func store(_ bytes: Data) throws(SampleIntakeError) -> Image {
        guard let info = ImageProbe.probe(bytes) else { throw .notAnImage(source: nil) }
        let isPNG = bytes.starts(with: [0x89, 0x50])
        let url = directory.images.appendingPathComponent(info.sha256 + (isPNG ? ".png" : ".jpg"))
        do {
            try FileManager.default.createDirectory(at: directory.images, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: url.path) { try bytes.write(to: url, options: .atomic) }
        } catch {
            throw .storageFailed(path: url.path, reason: "\(error)")
        }
        return Image(url: url, info: info)
    }

    /// Probes the image file at `url`, which stays where it is: its size is checked first
    /// (at most ``ImageLimits/maximumFileBytes``), then it is read in chunks.
    public static func probe(fileAt url: URL) throws(SampleIntakeError) -> Image {
        guard let size = ImageProbe.fileSize(at: url) else { throw .unreadable(path: url.path) }
        guard size <= ImageLimits.maximumFileBytes else { throw .fileTooLarge(path: url.path, bytes: size) }
        guard let info = ImageProbe.probe(fileAt: url) else { throw .notAnImage(source: url.path) }
        return Image(url: url, info: info)
    }

    /// The sample to add for `image`, named `name` in `dataset` (id: `id`, or the one rule's).
    public static func sample(
        dataset: DatasetID, name: String, id: SampleID? = nil, image: Image, usage: SampleUsage? = nil,
        labels: [SampleLabel] = [], predictions: [SampleLabel] = [], hardMark: HardMark? = nil,
        labelsCreatedAt: Instant? = nil
    ) -> NewSample {
        NewSample(
            id: id ?? sampleID(dataset: dataset, name: name), name: name, sourcePath: image.url.path,
            width: image.info.width, height: image.info.height, channels: image.info.channels,
            contentSHA256: image.info.sha256, usage: usage, initialLabels: labels, initialPredictions: predictions,
            initialHardMark: hardMark, labelsCreatedAt: labelsCreatedAt)
    }
}
