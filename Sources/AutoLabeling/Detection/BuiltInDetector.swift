import LabelingDomain

/// The built-in object detector for active learning on detection datasets: a sliding window
/// over aggregated channel features (``ChannelFeatures``: gradient orientations, magnitude and
/// colour per cell) scored by the built-in multinomial ``LogisticRegression`` (background plus
/// one class per label), with hard-negative mining, box refinement (``RidgeRegression``) and
/// non-maximum suppression (``Detection/suppressed(_:overlap:)``).
///
/// Why this method: a task has a handful of labeled images (the precondition is 5 per label),
/// runs on CPU and downloads no weights. A network trained from scratch on a few dozen boxes
/// overfits and needs minutes of CPU per epoch; a linear model on hand-made gradient and colour
/// features has few parameters, trains in a second in closed or convex form, and is the classic
/// few-label detector (HOG + linear SVM, ACF). Integral images make every window's vector cost
/// the same whatever its size, so the window can slide at every anchor size over large images.
/// Mining the background windows the model scores highest teaches it the background it confuses
/// with objects, which random negatives rarely show; the refinement regressor moves a window
/// (placed on a stride grid) onto the object's edges, which the IoU thresholds of mAP@[.5:.95] reward.
///
/// - Anchors: window sizes are the k-means centres (in log width and height) of the training
///   boxes (``Configuration/anchors``); the stride is a fraction of the anchor's shorter side.
/// - `fast` and `accurate` (``Configuration/init(algorithm:seed:)``): accurate uses more anchors,
///   a finer stride, more jittered positives and a second mining round.
/// - Large images are scanned in tiles of ``Configuration/tileSide`` (plus a margin of the largest
///   window), each window once, by the tile that holds its top-left corner; boxes are merged
///   across tile edges by a final suppression over the whole image, so the result does not
///   depend on the tile size except where two tiles' suppressions chose differently.
///
/// Invariant: for equal inputs and seed the result is identical (seeded ``SplitMix64`` draws,
/// deterministic training, ordered suppression).
///
/// ```swift
/// let detector = BuiltInDetector(configuration: .init(algorithm: .fast, seed: 7))
/// let trained = try detector.train(labeled: images, classCount: 2)
/// let boxes = try trained.detect(image, floor: 0.3)
/// ```
public struct BuiltInDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var seed: UInt64
        /// Window shapes (k-means centres of the training boxes; fewer when fewer distinct boxes).
        public var anchors: Int
        /// Stride as a fraction of the anchor's shorter side.
        public var strideFraction: Double
        /// Jittered copies of each training box (each also mirrored with ``mirrorsPositives``).
        public var jitters: Int
        /// Random background windows per training box (at least 20 per image).
        public var negativesPerBox: Int
        /// Rounds of hard-negative mining.
        public var miningRounds: Int
        /// Side of a scanning tile's core, in pixels.
        public var tileSide: Int
        public var inverseRegularization: Float
        public var iterations: Int
        /// IoU above which a lower-scored box is suppressed.
        public var overlap: Double
        /// Also train on every positive window mirrored left to right. Off: many objects are not
        /// mirror-symmetric in their pictures (a digit, a tree whose shadow falls on one side in
        /// every aerial tile), and a mirrored positive teaches the model the mirror image too.
        public var mirrorsPositives: Bool

        public init(algorithm: AutoLabelAlgorithm = .fast, seed: UInt64 = 0x5EED) {
            self.seed = seed
            let accurate = algorithm == .accurate
            anchors = accurate ? 8 : 5
            strideFraction = accurate ? 0.125 : 0.2
            jitters = accurate ? 8 : 4
            negativesPerBox = 12
            miningRounds = accurate ? 2 : 1
            mirrorsPositives = false
            tileSide = 512
            // Strong enough that scores stay below 1: with weak regularisation the separable
            // training windows drove most logits past the point where a probability is exactly
            // 1, and boxes of score 1 cannot be ranked (keep threshold, suppression, mAP).
            inverseRegularization = 0.1
            iterations = accurate ? 150 : 100
            overlap = 0.4
        }
    }

    /// A labeled image: its pixels and every object's box (`score` ignored).
    public struct LabeledImage: Sendable {
        public var image: DecodedImage
        public var boxes: [Detection]
        /// False for self-training's pseudo-labeled images: objects nobody boxed may be there, so
        /// no background window is taken from them.
        public var backgroundKnown: Bool

        public init(image: DecodedImage, boxes: [Detection], backgroundKnown: Bool = true) {
            self.image = image
            self.boxes = boxes
            self.backgroundKnown = backgroundKnown
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .init()) { self.configuration = configuration }

    /// Trains on `labeled` images with boxes of classes `0..<classCount`.
    /// - Throws: ``AutoLabelingError/notEnoughTrainingData(reason:)`` without a box of positive
    ///   area; `CancellationError` when `shouldStop` returns true.
    public func train(
        labeled: [LabeledImage], classCount: Int, shouldStop: @Sendable () -> Bool = { false }
    ) throws -> TrainedDetector {
        let boxes = labeled.flatMap(\.boxes).filter { $0.width >= 1 && $0.height >= 1 }
        guard !boxes.isEmpty, classCount >= 1 else {
            throw AutoLabelingError.notEnoughTrainingData(reason: "no box of at least 1 × 1 pixel among the labeled images")
        }
        let anchors = Self.anchors(of: boxes, count: configuration.anchors)
        let reference = (
            width: exp(boxes.map { log($0.width) }.reduce(0, +) / Double(boxes.count)),
            height: exp(boxes.map { log($0.height) }.reduce(0, +) / Double(boxes.count)))
        var generator = SplitMix64(seed: configuration.seed)

        // Positives: each box, jittered copies (IoU ≥ 0.55 with it), and their mirror images when
        // ``Configuration/mirrorsPositives``; the jitters teach the refinement regressor the way back to the box.
        var windows: [[TrainingWindow]] = labeled.map { _ in [] }
        for (i, item) in labeled.enumerated() {
            let w = Double(item.image.width), h = Double(item.image.height)
            for box in item.boxes where box.width >= 1 && box.height >= 1 {
                var placed = [Self.snapped(box, width: w, height: h)]
                var attempts = 0
                while placed.count < 1 + configuration.jitters, attempts < 20 * (1 + configuration.jitters) {
                    attempts += 1
                    let scale = exp(Double.random(in: -0.18...0.18, using: &generator))
                    let aspect = exp(Double.random(in: -0.1...0.1, using: &generator))
                    let bw = box.width * scale * aspect, bh = box.height * scale / aspect
                    let cx = (box.x1 + box.x2) / 2 + Double.random(in: -0.15...0.15, using: &generator) * box.width
                    let cy = (box.y1 + box.y2) / 2 + Double.random(in: -0.15...0.15, using: &generator) * box.height
                    let jittered = Self.snapped(
                        Detection(x1: cx - bw / 2, y1: cy - bh / 2, x2: cx + bw / 2, y2: cy + bh / 2, classIndex: box.classIndex, score: 1),
                        width: w, height: h)
                    if jittered.intersectionOverUnion(box) >= 0.55 { placed.append(jittered) }
                }
                for window in placed {
                    let target = Self.offsets(from: window, to: box)
                    windows[i].append(TrainingWindow(box: window, label: box.classIndex + 1, target: target, mirrored: false))
                    guard configuration.mirrorsPositives else { continue }
                    windows[i].append(TrainingWindow(
                        box: window, label: box.classIndex + 1, target: [-target[0], target[1], target[2], target[3]],
                        mirrored: true))
                }
            }
        }
        let positives = windows.map(\.count).reduce(0, +)
        // Random background: anchor-sized windows overlapping no box by 0.3 IoU or more.
        for (i, item) in labeled.enumerated() where item.backgroundKnown {
            let wanted = max(20, configuration.negativesPerBox * item.boxes.count)
            var found = 0, attempts = 0
            while found < wanted, attempts < 10 * wanted {
                attempts += 1
                let anchor = anchors[Int.random(in: 0..<anchors.count, using: &generator)]
                let aw = min(anchor.width.rounded(), Double(item.image.width)), ah = min(anchor.height.rounded(), Double(item.image.height))
                let x = Double(Int.random(in: 0...(item.image.width - Int(aw)), using: &generator))
                let y = Double(Int.random(in: 0...(item.image.height - Int(ah)), using: &generator))
                let window = Detection(x1: x, y1: y, x2: x + aw, y2: y + ah, classIndex: -1, score: 0)
                guard item.boxes.allSatisfy({ $0.intersectionOverUnion(window) < 0.3 }) else { continue }
                windows[i].append(TrainingWindow(box: window, label: 0, target: nil, mirrored: configuration.mirrorsPositives && Bool.random(using: &generator)))
                found += 1
            }
        }
        var rows: [[Float]] = [], labels: [Int] = [], targets: [[Double]] = [], targetRows: [Int] = []
        func add(_ found: [[TrainingWindow]]) {
            for (i, item) in labeled.enumerated() where !found[i].isEmpty {
                let features = Self.features(of: found[i], in: item.image, tileSide: configuration.tileSide, reference: reference)
                for (window, row) in zip(found[i], features) {
                    if let target = window.target {
                        targets.append(target)
                        targetRows.append(rows.count)
                    }
                    rows.append(row)
                    labels.append(window.label)
                }
            }
        }
        add(windows)
        if shouldStop() { throw CancellationError() }
        let scaler = FeatureScaler(fitting: rows)
        var model = LogisticRegression(classes: classCount + 1, dimension: ChannelFeatures.dimension)
        func fit(iterations: Int) throws {
            // Background and objects weigh the same in total, whatever their counts.
            let background = labels.filter { $0 == 0 }.count, objects = labels.count - background
            let weights = labels.map { $0 == 0 ? Float(max(objects, 1)) / Float(max(background, 1)) : 1 }
            let l2 = 1 / (configuration.inverseRegularization * Float(rows.count))
            model.fit(
                rows: rows.map(scaler.transform), labels: labels, sampleWeights: weights, l2: l2, iterations: iterations,
                shouldStop: shouldStop)
            if shouldStop() { throw CancellationError() }
        }
        try fit(iterations: configuration.iterations)
        var trained = TrainedDetector(
            model: model, scaler: scaler, anchors: anchors, reference: reference, refinement: nil, configuration: configuration,
            metrics: [:])
        // Hard-negative mining: the background windows the current model scores highest.
        var mined = 0
        for _ in 0..<configuration.miningRounds {
            var hard: [[TrainingWindow]] = labeled.map { _ in [] }
            for (i, item) in labeled.enumerated() where item.backgroundKnown {
                let found = try trained.scan(item.image, floor: 0.2, overlap: 0.7, refine: false, shouldStop: shouldStop)
                let wrong = found.filter { candidate in item.boxes.allSatisfy { $0.intersectionOverUnion(candidate) < 0.3 } }
                hard[i] = wrong.prefix(max(10, configuration.negativesPerBox * item.boxes.count / 2)).map {
                    TrainingWindow(box: $0, label: 0, target: nil, mirrored: false)
                }
                mined += hard[i].count
            }
            if hard.allSatisfy(\.isEmpty) { break }
            add(hard)
            try fit(iterations: configuration.iterations / 2)
            trained.model = model
        }
        trained.refinement = RidgeRegression(
            rows: targetRows.map { scaler.transform(rows[$0]) }, targets: targets, outputs: 4, lambda: 20)
        trained.metrics = [
            "training_boxes": Double(boxes.count), "training_windows": Double(rows.count),
            "positive_windows": Double(positives), "mined_negative_windows": Double(mined), "anchors": Double(anchors.count),
        ]
        return trained
    }

    /// A window of training data: its box, class (0 background, c + 1 for class c), and for
    /// positives the offsets to its object's box.
    struct TrainingWindow {
        var box: Detection
        var label: Int
        var target: [Double]?
        var mirrored: Bool
    }

    /// The refinement target from `window` to `box`: centre shifts in window sizes, log size ratios.
    static func offsets(from window: Detection, to box: Detection) -> [Double] {
        [
            ((box.x1 + box.x2) - (window.x1 + window.x2)) / 2 / window.width,
            ((box.y1 + box.y2) - (window.y1 + window.y2)) / 2 / window.height,
            log(box.width / window.width), log(box.height / window.height),
        ]
    }

    /// `box` rounded to whole pixels inside a `width × height` image, at least 1 × 1.
    static func snapped(_ box: Detection, width: Double, height: Double) -> Detection {
        var out = box
        out.x1 = min(max(0, box.x1.rounded()), width - 1)
        out.y1 = min(max(0, box.y1.rounded()), height - 1)
        out.x2 = max(min(width, box.x2.rounded()), out.x1 + 1)
        out.y2 = max(min(height, box.y2.rounded()), out.y1 + 1)
        return out
    }

    /// Window shapes: k-means (Lloyd, fixed iterations) of the boxes' log width and height,
    /// started from evenly spaced boxes in order of log area: deterministic.
    static func anchors(of boxes: [Detection], count: Int) -> [(width: Double, height: Double)] {
        let points = boxes.map { (log($0.width), log($0.height)) }.sorted { ($0.0 + $0.1, $0.0) < ($1.0 + $1.1, $1.0) }
        let distinct = Set(points.map { "\($0.0),\($0.1)" }).count
        let k = max(1, min(count, distinct))
        var centres = (0..<k).map { points[min(points.count - 1, (2 * $0 + 1) * points.count / (2 * k))] }
        for _ in 0..<12 {
            var sums = [(Double, Double, Int)](repeating: (0, 0, 0), count: k)
            for p in points {
                let nearest = centres.indices.min {
                    let a = centres[$0], b = centres[$1]
                    return ((p.0 - a.0) * (p.0 - a.0) + (p.1 - a.1) * (p.1 - a.1), $0) < ((p.0 - b.0) * (p.0 - b.0) + (p.1 - b.1) * (p.1 - b.1), $1)
                }!
                sums[nearest].0 += p.0
                sums[nearest].1 += p.1
                sums[nearest].2 += 1
            }
            for c in 0..<k where sums[c].2 > 0 { centres[c] = (sums[c].0 / Double(sums[c].2), sums[c].1 / Double(sums[c].2)) }
        }
        return centres.map { (width: max(1, exp($0.0)), height: max(1, exp($0.1))) }
    }

    /// The feature vectors of `windows` (whole-pixel boxes inside the image), read tile by tile
    /// so that a large image never holds more than one tile's channels.
    static func features(
        of windows: [TrainingWindow], in image: DecodedImage, tileSide: Int, reference: (width: Double, height: Double)
    ) -> [[Float]] {
        var out = [[Float]](repeating: [], count: windows.count)
        let largest = windows.map { max($0.box.width, $0.box.height) }.max() ?? 1
        let before = Int((largest * ChannelFeatures.contextFraction).rounded(.up)) + 1
        let margin = Int((largest * (1 + ChannelFeatures.contextFraction)).rounded(.up)) + 1
        for ty in stride(from: 0, to: image.height, by: tileSide) {
            for tx in stride(from: 0, to: image.width, by: tileSide) {
                let members = windows.indices.filter {
                    let b = windows[$0].box
                    return Int(b.x1) >= tx && Int(b.x1) < tx + tileSide && Int(b.y1) >= ty && Int(b.y1) < ty + tileSide
                }
                guard !members.isEmpty else { continue }
                let region = ChannelFeatures(
                    image: image, x0: tx - before, y0: ty - before, x1: tx + tileSide + margin, y1: ty + tileSide + margin)
                for i in members {
                    let b = windows[i].box
                    out[i] = region.window(
                        x1: Int(b.x1), y1: Int(b.y1), x2: Int(b.x2), y2: Int(b.y2), referenceWidth: reference.width,
                        referenceHeight: reference.height, mirrored: windows[i].mirrored)
                }
            }
        }
        return out
    }
}

/// The result of ``BuiltInDetector/train(labeled:classCount:shouldStop:)``: scans images for objects.
public struct TrainedDetector: Sendable {
    public var model: LogisticRegression
    public var scaler: FeatureScaler
    public var anchors: [(width: Double, height: Double)]
    /// Geometric mean size of the training boxes (the features' size reference).
    public var reference: (width: Double, height: Double)
    var refinement: RidgeRegression?
    public var configuration: BuiltInDetector.Configuration
    /// Training metrics, recorded in the task's `TaskTrainingFinished` event.
    public var metrics: [String: Double]

    /// The objects in `image`: windows whose best class scores at least `floor`, refined,
    /// suppressed within each tile and then over the whole image (merging across tile edges).
    public func detect(_ image: DecodedImage, floor: Double, shouldStop: () -> Bool = { false }) throws -> [Detection] {
        try scan(image, floor: floor, overlap: configuration.overlap, refine: true, shouldStop: shouldStop)
    }

    /// The standardised feature vector of `box` in `image` (reason 3's distance to its class).
    public func features(of box: Detection, in image: DecodedImage) -> [Float] {
        let window = BuiltInDetector.snapped(box, width: Double(image.width), height: Double(image.height))
        let raw = BuiltInDetector.features(
            of: [.init(box: window, label: 0, target: nil, mirrored: false)], in: image, tileSide: configuration.tileSide,
            reference: reference)[0]
        return scaler.transform(raw)
    }

    func scan(_ image: DecodedImage, floor: Double, overlap: Double, refine: Bool, shouldStop: () -> Bool) throws -> [Detection] {
        let tile = configuration.tileSide
        let largest = anchors.map { max($0.width, $0.height) }.max()!.rounded()
        let before = Int((largest * ChannelFeatures.contextFraction).rounded(.up)) + 1
        let margin = Int((largest * (1 + ChannelFeatures.contextFraction)).rounded(.up)) + 1
        let shapes = anchors.map { anchor in
            (width: min(Int(anchor.width.rounded()), image.width), height: min(Int(anchor.height.rounded()), image.height),
             stride: max(1, Int((min(anchor.width, anchor.height) * configuration.strideFraction).rounded())))
        }
        var merged: [Detection] = []
        var row = [Float](repeating: 0, count: ChannelFeatures.dimension)
        for ty in stride(from: 0, to: image.height, by: tile) {
            for tx in stride(from: 0, to: image.width, by: tile) {
                if shouldStop() { throw CancellationError() }
                let region = ChannelFeatures(image: image, x0: tx - before, y0: ty - before, x1: tx + tile + margin, y1: ty + tile + margin)
                var found: [Detection] = []
                for shape in shapes where shape.width >= 1 && shape.height >= 1 {
                    // The global stride grid (multiples of the stride), so every window is the same
                    // whatever the tile size; each window belongs to the tile holding its top-left.
                    let firstY = (ty + shape.stride - 1) / shape.stride * shape.stride
                    let firstX = (tx + shape.stride - 1) / shape.stride * shape.stride
                    for y in stride(from: firstY, to: min(ty + tile, image.height - shape.height + 1), by: shape.stride) {
                        for x in stride(from: firstX, to: min(tx + tile, image.width - shape.width + 1), by: shape.stride) {
                            row = region.window(
                                x1: x, y1: y, x2: x + shape.width, y2: y + shape.height, referenceWidth: reference.width,
                                referenceHeight: reference.height)
                            let standard = scaler.transform(row)
                            let p = LogisticRegression.softmax(model.logits(standard))
                            var best = 1
                            for c in 2..<max(p.count, 2) where p[c] > p[best] { best = c }
                            guard p[best] >= floor else { continue }
                            var box = Detection(
                                x1: Double(x), y1: Double(y), x2: Double(x + shape.width), y2: Double(y + shape.height),
                                classIndex: best - 1, score: p[best])
                            if refine, let refinement {
                                box = Self.moved(box, by: refinement.predict(standard), width: image.width, height: image.height)
                            }
                            found.append(box)
                        }
                    }
                }
                merged += Detection.suppressed(found, overlap: overlap)
            }
        }
        return Detection.suppressed(merged, overlap: overlap)
    }

    /// `box` moved by refinement offsets (each limited, so one bad prediction cannot throw a box
    /// far away), kept inside the image with at least one pixel.
    static func moved(_ box: Detection, by offsets: [Double], width: Int, height: Int) -> Detection {
        let dx = min(max(offsets[0], -0.5), 0.5), dy = min(max(offsets[1], -0.5), 0.5)
        let dw = min(max(offsets[2], -0.5), 0.5), dh = min(max(offsets[3], -0.5), 0.5)
        let cx = (box.x1 + box.x2) / 2 + dx * box.width, cy = (box.y1 + box.y2) / 2 + dy * box.height
        let w = box.width * exp(dw), h = box.height * exp(dh)
        var out = box
        out.x1 = min(max(0, cx - w / 2), Double(width) - 1)
        out.y1 = min(max(0, cy - h / 2), Double(height) - 1)
        out.x2 = max(min(Double(width), cx + w / 2), out.x1 + 1)
        out.y2 = max(min(Double(height), cy + h / 2), out.y1 + 1)
        return out
    }
}

#if canImport(Glibc)
import Glibc
#endif
