import LabelingDomain

/// One active-learning run on a detection dataset: train ``BuiltInDetector`` on the labeled
/// images' boxes, detect objects in every target image, and flag the images whose boxes are
/// unreliable, with thresholds chosen on held-out labeled images.
///
/// Held-out images: the labeled images are split into ``folds`` groups (by image, seeded); a
/// detector trained without each group detects in it, and its boxes are matched with the true
/// ones (same class, IoU ≥ 0.5, greedily by score). From those matches:
///
/// - the **keep threshold**: the score that maximises the held-out F2 (recall weighing twice
///   precision, ``recallWeight``: a missed object costs the annotator a search and a drawing, a
///   wrong box one rejection; a box is auto-labeled only at or above it);
/// - the **sure threshold**: the lowest score at or above the keep threshold from which the
///   held-out boxes' precision reaches the task's target accuracy (when none does, every kept
///   box is low-confidence). Its one-sided Wilson lower bound (z 1.2816, as
///   ``HardExampleDetector``) is reported, and metric `target_met_on_held_out` says whether the
///   bound, not only the estimate, reaches the target: with a few labeled images it rarely can,
///   and the task says so instead of flagging every image;
/// - the **doubt threshold**: an object the detector missed usually left a candidate below the
///   keep threshold, but so does background; the lowest score such that the band [doubt, keep)
///   holds a candidate in at most ``doubtBudget`` of the held-out images. A target image with a
///   candidate in the band may hold an object nobody will be shown.
///
/// - the **image rule**: the chance that a box of a given score is right, fitted (isotonic, shrunk
///   towards one half) on the held-out boxes; an image's chance of holding an error is one minus
///   the chance that every kept box is right and every lower candidate is not a missed object; the
///   threshold on it is the highest that flags ``catchTarget`` of the held-out images that hold an
///   error (a wrong kept box or a missed object).
///
/// A target image is hard when it has no kept box, an odd size (reasons 0, 5, 6), or its chance
/// of an error reaches the image rule's threshold; its reasons are those below that apply (at
/// least reason 1). Hard-example reasons of a target image (the service's codes, ``HardReason``):
///
/// | Code | Rule |
/// |---|---|
/// | 0 | no box kept |
/// | 1 | a kept box below the sure threshold, or a candidate in [doubt, keep) (a possible missed object) |
/// | 2 | the committee (the fold detectors) disagrees: fewer than a third of the members find a kept box (same class, IoU ≥ 0.5, score ≥ doubt), or a member finds a box at or above the sure threshold that no kept box overlaps (IoU ≥ 0.3) |
/// | 3 | a kept box farther from its class's training boxes than they are (``ClassDistanceModel``, 99 % quantile, on the detector's standardised window features) |
/// | 5, 6 | image area or aspect ratio far outside the labeled images' (``HardExampleDetector``'s rules) |
///
/// The per-image coefficient is the image's chance of holding an error; an image with no box has
/// coefficient 1.
///
/// `accurate` also self-trains once: target images whose every kept box is sure and that have no
/// doubtful candidate join the training set with those boxes (positives only: objects nobody
/// boxed may be there), and the final detector is trained again.
///
/// Pure computation: images in, boxes and findings out; target images are loaded one at a time
/// through `loadTarget`, so memory holds the labeled images and one target.
public struct DetectionPipeline: Sendable {
    public var seed: UInt64
    /// Held-out groups of labeled images (at most one per labeled image; the committee's size).
    public var folds: Int = 3

    public init(seed: UInt64 = 0x5EED) { self.seed = seed }

    /// The result for one target image.
    public struct TargetResult: Sendable {
        /// The boxes to auto-label (empty: none found).
        public var boxes: [Detection]
        public var finding: HardExampleDetector.Finding?
    }

    public struct Output: Sendable {
        public var targets: [TargetResult]
        public var metrics: [String: Double]
    }

    /// Runs the task: one detector per label group (``LabelGroups``), each target image routed to
    /// the group of its nearest labeled images; with one group, one detector for every image.
    /// Metrics of several groups are summed (counts) and, per group `k`, prefixed `group_k_`.
    public func run(
        labeled: [BuiltInDetector.LabeledImage], classCount: Int, targetCount: Int,
        loadTarget: (Int) throws -> DecodedImage, algorithm: AutoLabelAlgorithm, targetAccuracy: Double,
        shouldStop: @Sendable () -> Bool = { false }
    ) throws -> Output {
        let groups = LabelGroups(labeled: labeled, classCount: classCount)
        guard groups.count > 1 else {
            var output = try runGroup(
                labeled: labeled, classCount: classCount, targetCount: targetCount, loadTarget: loadTarget, algorithm: algorithm,
                targetAccuracy: targetAccuracy, shouldStop: shouldStop)
            output.metrics["label_groups"] = 1
            return output
        }
        var routed = [[Int]](repeating: [], count: groups.count)
        for t in 0..<targetCount {
            if shouldStop() { throw CancellationError() }
            routed[groups.group(of: try loadTarget(t))].append(t)
        }
        var targets = [TargetResult?](repeating: nil, count: targetCount)
        var metrics: [String: Double] = ["label_groups": Double(groups.count)]
        for g in 0..<groups.count {
            let members = groups.labeledImages(of: g)
            let classes = groups.classes(of: g)
            let local = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            let images = members.map { i in
                var item = labeled[i]
                item.boxes = item.boxes.compactMap { box in
                    guard let c = local[box.classIndex] else { return nil }
                    var out = box
                    out.classIndex = c
                    return out
                }
                return item
            }
            let output = try runGroup(
                labeled: images, classCount: classes.count, targetCount: routed[g].count, loadTarget: { try loadTarget(routed[g][$0]) },
                algorithm: algorithm, targetAccuracy: targetAccuracy, shouldStop: shouldStop)
            for (k, result) in output.targets.enumerated() {
                var global = result
                global.boxes = result.boxes.map { box in
                    var out = box
                    out.classIndex = classes[box.classIndex]
                    return out
                }
                targets[routed[g][k]] = global
            }
            for (key, value) in output.metrics {
                metrics["group_\(g)_\(key)"] = value
                if Self.summedMetrics.contains(key) || key.hasPrefix("hard_reason_") { metrics[key, default: 0] += value }
            }
            metrics["group_\(g)_target_images"] = Double(routed[g].count)
        }
        return Output(targets: targets.map { $0! }, metrics: metrics)
    }

    /// Count metrics that add up over label groups.
    static let summedMetrics: Set<String> = [
        "training_boxes", "training_windows", "positive_windows", "mined_negative_windows", "held_out_images", "self_trained_images",
        "auto_boxes", "samples_without_boxes",
    ]

    /// One detector, its committee and thresholds for `labeled` (classes `0..<classCount`) and its targets.
    func runGroup(
        labeled: [BuiltInDetector.LabeledImage], classCount: Int, targetCount: Int,
        loadTarget: (Int) throws -> DecodedImage, algorithm: AutoLabelAlgorithm, targetAccuracy: Double,
        shouldStop: @Sendable () -> Bool
    ) throws -> Output {
        let configuration = BuiltInDetector.Configuration(algorithm: algorithm, seed: seed)
        let detector = BuiltInDetector(configuration: configuration)
        // Held-out groups, by image, seeded.
        var generator = SplitMix64(seed: seed ^ 0xD37E_C7)
        var order = Array(labeled.indices)
        order.shuffle(using: &generator)
        let groupCount = min(folds, labeled.count)
        var group = [Int](repeating: 0, count: labeled.count)
        for (k, i) in order.enumerated() { group[i] = k % max(groupCount, 1) }
        var committee: [TrainedDetector] = []
        var heldOut: [(found: [Detection], truth: [Detection])] = []
        if groupCount >= 2 {
            for g in 0..<groupCount {
                let training = labeled.indices.filter { group[$0] != g }.map { labeled[$0] }
                guard training.contains(where: { !$0.boxes.isEmpty }) else { continue }
                let member = try detector.train(labeled: training, classCount: classCount, shouldStop: shouldStop)
                committee.append(member)
                for i in labeled.indices where group[i] == g {
                    heldOut.append((try member.detect(labeled[i].image, floor: Self.candidateFloor, shouldStop: shouldStop), labeled[i].boxes))
                }
            }
        }
        let thresholds = Thresholds(heldOut: heldOut, targetAccuracy: targetAccuracy)
        var final = try detector.train(labeled: labeled, classCount: classCount, shouldStop: shouldStop)
        var selfTrained = 0
        if algorithm == .accurate, targetCount > 0 {
            var extra: [BuiltInDetector.LabeledImage] = []
            for t in 0..<targetCount {
                let image = try loadTarget(t)
                let found = try final.detect(image, floor: Self.candidateFloor, shouldStop: shouldStop)
                let kept = found.filter { $0.score >= thresholds.keep }
                let doubtful = found.contains { $0.score < thresholds.keep && $0.score >= thresholds.doubt }
                if !kept.isEmpty, !doubtful, kept.allSatisfy({ $0.score >= thresholds.sure }) {
                    extra.append(.init(image: image, boxes: kept, backgroundKnown: false))
                }
            }
            if !extra.isEmpty {
                selfTrained = extra.count
                final = try detector.train(labeled: labeled + extra, classCount: classCount, shouldStop: shouldStop)
            }
        }
        // Reason 3: the training boxes' standardised features, per class.
        var boxRows: [[Float]] = [], boxClasses: [Int] = []
        for item in labeled {
            for box in item.boxes where box.width >= 1 && box.height >= 1 {
                boxRows.append(final.features(of: box, in: item.image))
                boxClasses.append(box.classIndex)
            }
        }
        let distances = ClassDistanceModel(rows: boxRows, labels: boxClasses, quantile: 0.99)
        let geometry = HardExampleDetector(
            configuration: .init(targetAccuracy: targetAccuracy),
            trainingSizes: labeled.map { ($0.image.width, $0.image.height) })

        var targets: [TargetResult] = []
        targets.reserveCapacity(targetCount)
        var reasonCounts: [HardReason: Int] = [:]
        for t in 0..<targetCount {
            if shouldStop() { throw CancellationError() }
            let image = try loadTarget(t)
            let found = try final.detect(image, floor: Self.candidateFloor, shouldStop: shouldStop)
            let kept = found.filter { $0.score >= thresholds.keep }
            let doubt = found.filter { $0.score < thresholds.keep && $0.score >= thresholds.doubt }.map(\.score).max()
            var reasons: Set<HardReason> = []
            if kept.isEmpty { reasons.insert(.noTargetIdentified) }
            if kept.contains(where: { $0.score < thresholds.sure }) || doubt != nil { reasons.insert(.lowConfidence) }
            let wrongChance = thresholds.wrongChance(found)
            if !committee.isEmpty {
                let opinions = try committee.map {
                    try $0.detect(image, floor: Self.candidateFloor, shouldStop: shouldStop).filter { $0.score >= thresholds.doubt }
                }
                let unsupported = kept.contains { box in
                    let agreeing = opinions.filter { member in
                        member.contains { $0.classIndex == box.classIndex && $0.intersectionOverUnion(box) >= 0.5 }
                    }.count
                    return 3 * agreeing < committee.count
                }
                let unseen = opinions.contains { member in
                    member.contains { other in
                        other.score >= thresholds.sure && !kept.contains { $0.intersectionOverUnion(other) >= 0.3 }
                    }
                }
                if unsupported || unseen { reasons.insert(.clusteringDisagrees) }
            }
            if kept.contains(where: { (distances.relativeDistance(final.features(of: $0, in: image), to: $0.classIndex) ?? 0) > 1 }) {
                reasons.insert(.farFromSameClassTrainingData)
            }
            let sizeReasons = geometry.structuralReasons(.init(
                prediction: ClassPrediction(probabilities: [1, 0]), neighbourClass: nil, relativeDistance: nil,
                width: image.width, height: image.height))
            reasons.formUnion(sizeReasons)
            let structural = kept.isEmpty || !sizeReasons.isEmpty
            var finding: HardExampleDetector.Finding?
            if structural || wrongChance >= thresholds.imageThreshold {
                if reasons.isEmpty { reasons.insert(.lowConfidence) }
                finding = .init(
                    reasons: reasons.sorted { $0.rawValue < $1.rawValue },
                    coefficient: kept.isEmpty ? 1 : min(max(wrongChance, 0), 1))
                for reason in reasons { reasonCounts[reason, default: 0] += 1 }
            }
            targets.append(TargetResult(boxes: kept, finding: finding))
        }
        var metrics = final.metrics
        metrics["held_out_images"] = Double(heldOut.count)
        metrics["committee_members"] = Double(committee.count)
        metrics["keep_threshold"] = thresholds.keep
        metrics["sure_threshold"] = min(thresholds.sure, 1)
        metrics["doubt_threshold"] = thresholds.doubt
        metrics["held_out_precision"] = thresholds.precision
        metrics["held_out_recall"] = thresholds.recall
        metrics["held_out_sure_precision_lower_bound"] = thresholds.sureLowerBound
        metrics["hard_image_threshold"] = thresholds.imageThreshold
        metrics["held_out_wrong_images"] = Double(thresholds.heldOutWrongImages)
        metrics["held_out_flagged_images"] = Double(thresholds.heldOutFlaggedImages)
        metrics["target_accuracy"] = targetAccuracy
        metrics["target_met_on_held_out"] = thresholds.targetMet ? 1 : 0
        metrics["self_trained_images"] = Double(selfTrained)
        metrics["auto_boxes"] = Double(targets.map(\.boxes.count).reduce(0, +))
        metrics["samples_without_boxes"] = Double(targets.filter(\.boxes.isEmpty).count)
        for (reason, count) in reasonCounts { metrics["hard_reason_\(reason.rawValue)_images"] = Double(count) }
        return Output(targets: targets, metrics: metrics)
    }

    /// Candidates below this score are never looked at (neither kept nor doubtful).
    static let candidateFloor = 0.1
    /// The largest share of held-out images the doubt band may mark.
    static let doubtBudget = 0.2

    /// The keep, sure and doubt thresholds chosen on held-out detections (see the type).
    struct Thresholds {
        var keep = 0.5
        var sure = 0.9
        var doubt = 0.5
        var precision = 0.0
        var recall = 0.0
        var sureLowerBound = 0.0
        var targetMet = false

        init(heldOut: [(found: [Detection], truth: [Detection])], targetAccuracy: Double) {
            // Each held-out box: its score and whether it matched a true box.
            var scored: [(score: Double, correct: Bool)] = []
            var objects = 0
            for (found, truth) in heldOut {
                objects += truth.count
                var taken = [Bool](repeating: false, count: truth.count)
                for box in found.sorted(by: { $0.score > $1.score }) {
                    let match = truth.indices.filter { !taken[$0] && truth[$0].classIndex == box.classIndex }
                        .max { truth[$0].intersectionOverUnion(box) < truth[$1].intersectionOverUnion(box) }
                    if let match, truth[match].intersectionOverUnion(box) >= 0.5 {
                        taken[match] = true
                        scored.append((box.score, true))
                    } else {
                        scored.append((box.score, false))
                    }
                }
            }
            guard !scored.isEmpty, objects > 0 else { return }
            scored.sort { $0.score > $1.score }
            var bestF1 = -1.0, correct = 0
            for (k, item) in scored.enumerated() {
                if item.correct { correct += 1 }
                if k + 1 < scored.count, scored[k + 1].score == item.score { continue }
                let precision = Double(correct) / Double(k + 1), recall = Double(correct) / Double(objects)
                let beta2 = DetectionPipeline.recallWeight * DetectionPipeline.recallWeight
                let f1 = precision + recall > 0 ? (1 + beta2) * precision * recall / (beta2 * precision + recall) : 0
                if f1 > bestF1 {
                    (bestF1, keep, self.precision, self.recall) = (f1, item.score, precision, recall)
                }
            }
            // Sure: the lowest score ≥ keep from which the held-out boxes' precision reaches the
            // target (the estimate; its Wilson lower bound is reported and decides `targetMet`).
            sure = 1.0000001
            correct = 0
            for (k, item) in scored.enumerated() where item.score >= keep {
                if item.correct { correct += 1 }
                if k + 1 < scored.count, scored[k + 1].score == item.score { continue }
                if Double(correct) / Double(k + 1) >= targetAccuracy {
                    sure = item.score
                    sureLowerBound = HardExampleDetector.wilsonLowerBound(correct: correct, total: k + 1, z: 1.2816)
                }
            }
            targetMet = sureLowerBound >= targetAccuracy
            // Doubt: the lowest score whose band [doubt, keep) marks at most `doubtBudget` of the
            // held-out images (a band that marks every image tells nothing).
            let bandTops = heldOut.map { item in item.found.filter { $0.score < keep }.map(\.score).max() ?? 0 }.sorted(by: >)
            let allowed = Int(Double(heldOut.count) * DetectionPipeline.doubtBudget)
            doubt = allowed < bandTops.count ? max(bandTops[allowed].nextUp, DetectionPipeline.candidateFloor) : DetectionPipeline.candidateFloor
            doubt = min(doubt, keep)
            // The chance that a box is right, by score: isotonic (pool-adjacent-violators) over
            // the held-out boxes in increasing score order.
            var blocks: [(top: Double, right: Double, count: Double)] = []
            for item in scored.reversed() {
                blocks.append((item.score, item.correct ? 1 : 0, 1))
                while blocks.count >= 2, blocks[blocks.count - 2].right / blocks[blocks.count - 2].count
                    >= blocks[blocks.count - 1].right / blocks[blocks.count - 1].count {
                    let last = blocks.removeLast()
                    blocks[blocks.count - 1] = (last.top, blocks[blocks.count - 1].right + last.right, blocks[blocks.count - 1].count + last.count)
                }
            }
            // Shrunk towards one half by one pseudo-observation each way, so no score is ever
            // certainly right or certainly wrong.
            rightness = blocks.map { (top: $0.top, chance: ($0.right + 0.5) / ($0.count + 1)) }
            // The image rule: the largest wrong-probability threshold that still flags
            // `catchTarget` of the held-out images that hold an error.
            var images: [(chance: Double, wrong: Bool)] = []
            for (found, truth) in heldOut {
                let kept = found.filter { $0.score >= keep }
                images.append((wrongChance(found), DetectionPipeline.errors(kept, truth) > 0))
            }
            images.sort { $0.chance > $1.chance }
            let wrong = images.filter(\.wrong).count
            heldOutWrongImages = wrong
            let needed = Int((DetectionPipeline.catchTarget * Double(wrong)).rounded(.up))
            if wrong == 0 {
                imageThreshold = (images.first?.chance ?? 0.5).nextUp
            } else {
                var caught = 0
                for (k, image) in images.enumerated() {
                    if image.wrong { caught += 1 }
                    if caught >= needed {
                        imageThreshold = image.chance
                        heldOutFlaggedImages = images[..<k].count + 1
                        break
                    }
                }
            }
        }

        /// Per held-out score block (increasing `top`, the block's highest score), the chance a box is right.
        var rightness: [(top: Double, chance: Double)] = []
        /// A target image is hard when its ``wrongChance(_:)`` reaches this.
        var imageThreshold = 0.5
        var heldOutWrongImages = 0
        var heldOutFlaggedImages = 0

        /// The chance that a box of `score` is right (one half without held-out boxes).
        func chanceRight(_ score: Double) -> Double {
            guard !rightness.isEmpty else { return 0.5 }
            return (rightness.first { score <= $0.top } ?? rightness.last!).chance
        }

        /// The chance that an image with candidates `found` holds an error: a kept box that is
        /// wrong, or a candidate below the keep threshold that was a missed object (independence assumed).
        func wrongChance(_ found: [Detection]) -> Double {
            var allRight = 1.0
            for box in found {
                let right = chanceRight(box.score)
                allRight *= box.score >= keep ? right : 1 - right
            }
            return 1 - allRight
        }
    }

    /// The share of held-out images holding an error that the image rule must flag.
    static let catchTarget = 0.9
    /// The keep threshold maximises the held-out F-score with recall weighing this many times precision.
    static let recallWeight = 2.0

    /// Wrong kept boxes plus missed true boxes (same class, IoU ≥ 0.5, greedily by score).
    static func errors(_ kept: [Detection], _ truth: [Detection]) -> Int {
        var taken = [Bool](repeating: false, count: truth.count)
        var wrong = 0
        for box in kept.sorted(by: { $0.score > $1.score }) {
            let match = truth.indices.filter { !taken[$0] && truth[$0].classIndex == box.classIndex }
                .max { truth[$0].intersectionOverUnion(box) < truth[$1].intersectionOverUnion(box) }
            if let match, truth[match].intersectionOverUnion(box) >= 0.5 { taken[match] = true } else { wrong += 1 }
        }
        return wrong + taken.filter { !$0 }.count
    }
}
