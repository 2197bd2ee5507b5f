import Foundation

/// The labels of a detection dataset split into groups that are never boxed apart: two labels
/// are in one group when some labeled image holds boxes of both (transitively). A dataset that
/// mixes kinds of image whose labels never meet (aerial tiles of trees beside scanned digits)
/// is several detection problems; ``DetectionPipeline`` trains one detector per group, on that
/// group's labeled images only, so one kind of image neither sets the other's window sizes nor
/// its thresholds, and sends each target image to the group of its nearest labeled image.
///
/// - Groups are the connected components of the label co-occurrence graph over the labels that
///   have at least one box, numbered in order of their smallest label index. A label without any
///   box belongs to no group (no detector can find it).
/// - A labeled image with boxes belongs to its labels' group; a labeled image without boxes, and
///   every target image, to the group of the nearest labeled image with boxes: Euclidean distance
///   over the classifier's whole-image features (``ImageFeatures``) and the image's log width and
///   height, each standardised on those labeled images, the two halves weighing the same (the
///   features are size-blind: an aerial tile and a close-up of the same ground look alike to
///   them); ties to the lower index.
///
/// Invariant: deterministic (no randomness; order-dependent only through index tie-breaks); with
/// one group, ``DetectionPipeline`` behaves as a single detector over every image.
struct LabelGroups: Sendable {
    /// Per group, its labels in increasing order.
    private let groupClasses: [[Int]]
    /// Per labeled image, its group.
    private let imageGroups: [Int]
    /// The labeled images with boxes: standardised features and group.
    private let references: [(row: [Float], group: Int)]
    private let scaler: FeatureScaler?

    init(labeled: [BuiltInDetector.LabeledImage], classCount: Int) {
        var parent = Array(0..<max(classCount, 0))
        func root(_ c: Int) -> Int {
            var c = c
            while parent[c] != c { c = parent[c] }
            return c
        }
        var boxed = Set<Int>()
        for item in labeled {
            let classes = Set(item.boxes.map(\.classIndex).filter { (0..<classCount).contains($0) }).sorted()
            boxed.formUnion(classes)
            for c in classes.dropFirst() {
                let a = root(classes[0]), b = root(c)
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var roots: [Int] = []
        var classesOf: [Int: [Int]] = [:]
        for c in boxed.sorted() {
            let r = root(c)
            if classesOf[r] == nil { roots.append(r) }
            classesOf[r, default: []].append(c)
        }
        groupClasses = roots.map { classesOf[$0]! }
        let groupOfRoot = Dictionary(uniqueKeysWithValues: roots.enumerated().map { ($1, $0) })
        guard groupClasses.count > 1 else {
            imageGroups = labeled.map { _ in 0 }
            references = []
            scaler = nil
            return
        }
        let direct: [Int?] = labeled.map { item in
            item.boxes.first { (0..<classCount).contains($0.classIndex) }.map { groupOfRoot[root($0.classIndex)]! }
        }
        let features = labeled.map { Self.descriptor(of: $0.image) }
        let withBoxes = labeled.indices.filter { direct[$0] != nil }
        let scaler = FeatureScaler(fitting: withBoxes.map { features[$0] })
        let references = withBoxes.map { (row: Self.weighted(scaler.transform(features[$0])), group: direct[$0]!) }
        self.scaler = scaler
        self.references = references
        imageGroups = labeled.indices.map { i in
            direct[i] ?? Self.nearest(Self.weighted(scaler.transform(features[i])), among: references)
        }
    }

    /// The number of groups (0 when no label has a box).
    var count: Int { groupClasses.count }

    /// The labels of group `g`, in increasing order.
    func classes(of g: Int) -> [Int] { groupClasses[g] }

    /// The indices of the labeled images of group `g`.
    func labeledImages(of g: Int) -> [Int] { imageGroups.indices.filter { imageGroups[$0] == g } }

    /// The group of an image that is not labeled: that of its nearest labeled image with boxes.
    func group(of image: DecodedImage) -> Int {
        guard let scaler, count > 1 else { return 0 }
        return Self.nearest(Self.weighted(scaler.transform(Self.descriptor(of: image))), among: references)
    }

    /// The whole-image features followed by the log width and height.
    private static func descriptor(of image: DecodedImage) -> [Float] {
        ImageFeatures(image: image).values + [Float(log(Double(max(image.width, 1)))), Float(log(Double(max(image.height, 1))))]
    }

    /// A standardised descriptor with the features and the two size values weighing the same in a squared distance.
    private static func weighted(_ row: [Float]) -> [Float] {
        let features = Float(row.count - 2)
        return row.enumerated().map { $0.offset < row.count - 2 ? $0.element / features.squareRoot() : $0.element / Float(2).squareRoot() }
    }

    private static func nearest(_ row: [Float], among references: [(row: [Float], group: Int)]) -> Int {
        var best = 0, bestDistance = Float.infinity
        for (k, reference) in references.enumerated() {
            var d: Float = 0
            for j in row.indices {
                let e = row[j] - reference.row[j]
                d += e * e
            }
            if d < bestDistance { (best, bestDistance) = (k, d) }
        }
        return references[best].group
    }
}
