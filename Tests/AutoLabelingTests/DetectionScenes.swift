import Foundation
import LabelingDomain
import LabelingService
import TestSupport
@testable import AutoLabeling

/// Seeded detection scenes: scikit-learn digits (24 × 24, dark ink) placed without overlap on a
/// light, noisy canvas, with their true boxes; and detection datasets of such scenes in a
/// ``ReactorFixture``'s data directory.
enum DetectionScenes {
    struct Scene {
        var image: DecodedImage
        /// True boxes; `classIndex` is the index into the scene's classes.
        var boxes: [Detection]
    }

    static let digitSide = 24

    /// `count` scenes of `width × height`, each with `objects` digits of `classes` (digit values);
    /// scene `i`'s first object has class `i % classes.count`, so every class is in every
    /// `classes.count`-th scene.
    static func make(
        count: Int, width: Int = 96, height: Int = 96, classes: [Int] = [0, 1], objects: ClosedRange<Int> = 1...2,
        seed: UInt64, digitOffset: Int = 0
    ) throws -> [Scene] {
        let digits = try BuiltInClassifierTests.digits.get()
        var byClass: [Int: [DigitsData.Digit]] = [:]
        for digit in digits where classes.contains(digit.label) { byClass[digit.label, default: []].append(digit) }
        var generator = SeededGenerator(seed: seed)
        var used: [Int: Int] = [:]
        var scenes: [Scene] = []
        for i in 0..<count {
            var grey = (0..<(width * height)).map { _ in UInt8(225 + Int.random(in: 0...25, using: &generator)) }
            var boxes: [Detection] = []
            let wanted = Int.random(in: objects, using: &generator)
            var attempts = 0
            while boxes.count < wanted, attempts < 200 {
                attempts += 1
                let c = boxes.isEmpty ? i % classes.count : Int.random(in: 0..<classes.count, using: &generator)
                let x = Int.random(in: 0...(width - digitSide), using: &generator)
                let y = Int.random(in: 0...(height - digitSide), using: &generator)
                let box = Detection(
                    x1: Double(x), y1: Double(y), x2: Double(x + digitSide), y2: Double(y + digitSide), classIndex: c, score: 1)
                let apart = boxes.allSatisfy {
                    box.x1 >= $0.x2 + 2 || $0.x1 >= box.x2 + 2 || box.y1 >= $0.y2 + 2 || $0.y1 >= box.y2 + 2
                }
                guard apart else { continue }
                let pool = byClass[classes[c]]!
                let k = used[c, default: digitOffset]
                used[c] = k + 1
                let digit = pool[k % pool.count]
                for dy in 0..<digitSide {
                    for dx in 0..<digitSide {
                        let ink = digit.pixels[(dy * 32 / digitSide) * 32 + dx * 32 / digitSide]
                        let at = (y + dy) * width + x + dx
                        grey[at] = min(grey[at], ink)
                    }
                }
                boxes.append(box)
            }
            scenes.append(Scene(
                image: DecodedImage(width: width, height: height, sourceChannels: 1, wasFlattened: false, rgb: DecodedImage.expandedGrey(grey)),
                boxes: boxes))
        }
        return scenes
    }

    /// Labeled images for ``BuiltInDetector``/``DetectionPipeline``.
    static func labeled(_ scenes: [Scene]) -> [BuiltInDetector.LabeledImage] {
        scenes.map { BuiltInDetector.LabeledImage(image: $0.image, boxes: $0.boxes) }
    }

    /// Creates detection dataset `id` (labels: the digit values) in `fixture`: `labeled` scenes
    /// boxed by a person, `unlabeled` scenes without labels. Returns each sample's true boxes.
    @discardableResult
    static func makeDataset(
        _ id: DatasetID, in fixture: ReactorFixture, classes: [Int] = [0, 1], labeled: [Scene], unlabeled: [Scene]
    ) async throws -> [SampleID: [Detection]] {
        _ = try await fixture.service.execute(.createDataset(
            id: id, name: id.rawValue, typeCode: 1,
            labels: classes.enumerated().map { LabelDefinition(name: String($1), color: ["#e6194b", "#3cb44b", "#4363d8"][$0 % 3]) },
            description: "", by: "ana", at: Instant(Date())), on: id, actor: "ana")
        let folder = fixture.directory.url.appendingPathComponent("scenes-\(id.rawValue)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var samples: [NewSample] = [], truth: [SampleID: [Detection]] = [:], updates: [SampleLabelUpdate] = []
        for (k, scene) in (labeled + unlabeled).enumerated() {
            let sample = SampleID("\(id.rawValue)-\(k)")
            let url = folder.appendingPathComponent("\(k).png")
            try PNGCodec.encode(pixels: scene.image.rgb, width: scene.image.width, height: scene.image.height, channels: 3).write(to: url)
            samples.append(NewSample(
                id: sample, name: "\(k).png", sourcePath: url.path, width: UInt32(scene.image.width),
                height: UInt32(scene.image.height), channels: 3, contentSHA256: String(repeating: "ab", count: 32)))
            truth[sample] = scene.boxes
            if k < labeled.count {
                updates.append(SampleLabelUpdate(sampleID: sample, labels: scene.boxes.map {
                    ManualLabel(name: String(classes[$0.classIndex]), box: BoundingBox(
                        x1: Int32($0.x1), y1: Int32($0.y1), x2: Int32($0.x2), y2: Int32($0.y2)))
                }))
            }
        }
        _ = try await fixture.service.execute(.addSamples(samples, by: "ana"), on: id, actor: "ana")
        _ = try await fixture.service.execute(.updateSampleLabels(updates, by: "ana"), on: id, actor: "ana")
        return truth
    }

    /// True boxes found (same class, IoU ≥ 0.5, each true box once) among `found`.
    static func matches(_ found: [Detection], _ truth: [Detection]) -> Int {
        var taken = Set<Int>()
        for box in found.sorted(by: { $0.score > $1.score }) {
            if let j = truth.indices.first(where: {
                !taken.contains($0) && truth[$0].classIndex == box.classIndex && truth[$0].intersectionOverUnion(box) >= 0.5
            }) {
                taken.insert(j)
            }
        }
        return taken.count
    }
}
