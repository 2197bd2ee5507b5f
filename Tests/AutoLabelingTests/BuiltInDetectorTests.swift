import Foundation
import LabelingDomain
import Testing
@testable import AutoLabeling

/// The built-in detector on its own: it finds digits placed on canvases it never saw, the
/// same seed gives the same boxes, and tiling a large image neither loses nor doubles an
/// object lying across a tile edge.
struct BuiltInDetectorTests {
    @Test func test_the_detector_finds_most_objects_in_images_it_never_saw() throws {
        let training = try DetectionScenes.make(count: 12, seed: 11)
        let unseen = try DetectionScenes.make(count: 10, seed: 12, digitOffset: 40)
        let trained = try BuiltInDetector(configuration: .init(algorithm: .fast, seed: 3)).train(
            labeled: DetectionScenes.labeled(training), classCount: 2)
        var found = 0, objects = 0, boxes = 0
        for scene in unseen {
            let detections = try trained.detect(scene.image, floor: 0.5)
            found += DetectionScenes.matches(detections, scene.boxes)
            objects += scene.boxes.count
            boxes += detections.count
        }
        #expect(Double(found) >= 0.7 * Double(objects), "found \(found) of \(objects)")
        #expect(Double(found) >= 0.6 * Double(boxes), "\(found) of \(boxes) boxes right")
    }

    @Test func test_equal_inputs_and_seed_give_equal_boxes_and_another_seed_may_differ() throws {
        let training = DetectionScenes.labeled(try DetectionScenes.make(count: 8, seed: 21))
        let probe = try DetectionScenes.make(count: 1, seed: 22)[0].image
        let a = try BuiltInDetector(configuration: .init(seed: 5)).train(labeled: training, classCount: 2).detect(probe, floor: 0.2)
        let b = try BuiltInDetector(configuration: .init(seed: 5)).train(labeled: training, classCount: 2).detect(probe, floor: 0.2)
        #expect(!a.isEmpty)
        #expect(a == b)
    }

    /// A 700 × 300 image scanned in 128-pixel tiles: an object across the x = 128 edge and one
    /// across the x = 512, y = 256 corner are each found once (one box, IoU ≥ 0.5), and the boxes
    /// equal an untiled scan's.
    @Test func test_tiles_merge_boxes_across_their_edges() throws {
        let training = DetectionScenes.labeled(try DetectionScenes.make(count: 12, seed: 31))
        var trained = try BuiltInDetector(configuration: .init(seed: 9)).train(labeled: training, classCount: 2)
        let digits = try DetectionScenes.make(count: 2, width: 24, height: 24, objects: 1...1, seed: 32, digitOffset: 60)
        let width = 700, height = 300
        var rgb = [UInt8](repeating: 240, count: width * height * 3)
        let places = [(116, 40), (500, 244)]  // across x = 128; across x = 512 and y = 256
        for (digit, place) in zip(digits, places) {
            for y in 0..<24 {
                for x in 0..<24 {
                    for c in 0..<3 { rgb[((place.1 + y) * width + place.0 + x) * 3 + c] = digit.image.rgb[(y * 24 + x) * 3 + c] }
                }
            }
        }
        let image = DecodedImage(width: width, height: height, sourceChannels: 3, wasFlattened: false, rgb: rgb)
        trained.configuration.tileSide = 128
        let tiled = try trained.detect(image, floor: 0.5)
        trained.configuration.tileSide = 4096
        let whole = try trained.detect(image, floor: 0.5)
        for (digit, place) in zip(digits, places) {
            var truth = digit.boxes[0]
            truth.x1 += Double(place.0)
            truth.x2 += Double(place.0)
            truth.y1 += Double(place.1)
            truth.y2 += Double(place.1)
            #expect(tiled.filter { $0.intersectionOverUnion(truth) >= 0.5 }.count == 1, "\(truth) in \(tiled)")
        }
        #expect(tiled == whole)
    }

    @Test func test_suppression_keeps_the_best_box_whatever_the_input_order() {
        let boxes = [
            Detection(x1: 0, y1: 0, x2: 10, y2: 10, classIndex: 0, score: 0.6),
            Detection(x1: 1, y1: 1, x2: 11, y2: 11, classIndex: 1, score: 0.9),
            Detection(x1: 30, y1: 30, x2: 40, y2: 40, classIndex: 0, score: 0.3),
        ]
        let kept = Detection.suppressed(boxes, overlap: 0.4)
        #expect(kept == [boxes[1], boxes[2]])
        #expect(Detection.suppressed(boxes.reversed(), overlap: 0.4) == kept)
    }

    @Test func test_without_a_box_training_is_refused_with_its_code() {
        let blank = DecodedImage(width: 8, height: 8, sourceChannels: 3, wasFlattened: false, rgb: [UInt8](repeating: 9, count: 192))
        #expect(throws: AutoLabelingError.self) {
            try BuiltInDetector().train(labeled: [.init(image: blank, boxes: [])], classCount: 2)
        }
        do {
            _ = try BuiltInDetector().train(labeled: [.init(image: blank, boxes: [])], classCount: 2)
        } catch {
            #expect((error as? AutoLabelingError)?.code == "LabelLedger.AutoLabel.010")
        }
    }
}
