import Foundation
import LabelingDomain
import Testing
@testable import AutoLabeling

/// A detection dataset mixing two kinds of image whose labels never meet (dark digits 0/1 on
/// light canvases; light digits 2/3 on dark ones) is two detection
/// problems: one detector per label group, each target image sent to its kind's detector, with
/// its own thresholds; no box of one kind's labels lands on the other kind's images.
struct LabelGroupsTests {
    /// 14 scenes of each kind; the first 8 of each are labeled.
    static func scenes() throws -> (labeled: [BuiltInDetector.LabeledImage], targets: [DetectionScenes.Scene], kinds: [Int]) {
        let light = try DetectionScenes.make(count: 14, classes: [0, 1], seed: 51)
        let dark = try DetectionScenes.make(count: 14, classes: [2, 3], seed: 52, digitOffset: 20).map {
            var scene = $0
            scene.image.rgb = scene.image.rgb.map { 255 - $0 }
            scene.boxes = scene.boxes.map {
                var box = $0
                box.classIndex += 2
                return box
            }
            return scene
        }
        let labeled = DetectionScenes.labeled(Array(light.prefix(8)) + Array(dark.prefix(8)))
        return (labeled, Array(light.dropFirst(8)) + Array(dark.dropFirst(8)), Array(repeating: 0, count: 6) + Array(repeating: 1, count: 6))
    }

    @Test func test_labels_never_boxed_together_form_groups_and_images_go_to_their_kind() throws {
        let (labeled, targets, kinds) = try Self.scenes()
        let groups = LabelGroups(labeled: labeled, classCount: 5)  // label 4 has no box: no group
        #expect(groups.count == 2)
        #expect(groups.classes(of: 0) == [0, 1] && groups.classes(of: 1) == [2, 3])
        #expect(groups.labeledImages(of: 0) == Array(0..<8) && groups.labeledImages(of: 1) == Array(8..<16))
        #expect(targets.map { groups.group(of: $0.image) } == kinds)
        // One kind only: one group, every image in it.
        let single = LabelGroups(labeled: Array(labeled.prefix(8)), classCount: 2)
        #expect(single.count == 1 && single.group(of: targets[11].image) == 0)
    }

    @Test func test_each_group_has_its_own_detector_and_thresholds_and_no_box_crosses_kinds() throws {
        let (labeled, targets, kinds) = try Self.scenes()
        let output = try DetectionPipeline(seed: 8).run(
            labeled: labeled, classCount: 4, targetCount: targets.count, loadTarget: { targets[$0].image }, algorithm: .fast,
            targetAccuracy: 0.95)
        #expect(output.metrics["label_groups"] == 2)
        #expect(output.metrics["group_0_keep_threshold"] != nil && output.metrics["group_1_keep_threshold"] != nil)
        #expect(output.metrics["group_0_target_images"] == 6 && output.metrics["group_1_target_images"] == 6)
        var found = [0, 0], objects = [0, 0]
        for (k, result) in output.targets.enumerated() {
            let allowed = kinds[k] == 0 ? 0...1 : 2...3
            #expect(result.boxes.allSatisfy { allowed.contains($0.classIndex) }, "target \(k): \(result.boxes)")
            found[kinds[k]] += DetectionScenes.matches(result.boxes, targets[k].boxes)
            objects[kinds[k]] += targets[k].boxes.count
        }
        for kind in 0..<2 {
            #expect(Double(found[kind]) >= 0.5 * Double(objects[kind]), "kind \(kind): found \(found[kind]) of \(objects[kind])")
        }
    }
}
