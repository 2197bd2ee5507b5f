import Foundation
import Testing
@testable import AutoLabeling

/// Reason 3's group half: same-class groups of the mutual neighbour graph without a hand label.
struct UnrepresentedGroupsTests {
    /// Points on a line: a class-0 group around 0 (hand label at 0), a class-0 group around 10
    /// with no hand label, and a class-1 group around 20 (hand label at 20).
    static let positions: [Double] = [0, 1, 2, 10, 11, 12, 20, 21]
    static let classes: [Int?] = [0, 0, 0, 0, 0, 0, 1, 1]
    static let handLabels = [true, false, false, false, false, false, true, false]

    /// Each row's other rows by distance, ties to the smaller index.
    static func nearest(_ positions: [Double]) -> [[Int]] {
        positions.indices.map { i in
            positions.indices.filter { $0 != i }.sorted {
                (abs(positions[$0] - positions[i]), $0) < (abs(positions[$1] - positions[i]), $1)
            }
        }
    }

    @Test func test_a_same_class_group_without_a_hand_label_is_unrepresented() {
        let groups = UnrepresentedGroups(
            nearest: Self.nearest(Self.positions), k: 2, classes: Self.classes, isHandLabel: Self.handLabels)
        #expect(groups.rows == [3, 4, 5])
    }

    @Test func test_components_smaller_than_the_minimum_size_are_not_groups() {
        let nearest = Self.nearest(Self.positions)
        let three = UnrepresentedGroups(
            nearest: nearest, k: 2, classes: Self.classes, isHandLabel: Self.handLabels, minimumSize: 3)
        #expect(three.rows == [3, 4, 5])
        let four = UnrepresentedGroups(
            nearest: nearest, k: 2, classes: Self.classes, isHandLabel: Self.handLabels, minimumSize: 4)
        #expect(four.rows.isEmpty)
        // Row 5 predicted as class 1 splits the group: {3, 4} is too small, 5 sits alone in class 1.
        var classes = Self.classes
        classes[5] = 1
        let split = UnrepresentedGroups(nearest: nearest, k: 2, classes: classes, isHandLabel: Self.handLabels, minimumSize: 3)
        #expect(split.rows.isEmpty)
        let any = UnrepresentedGroups(nearest: nearest, k: 2, classes: classes, isHandLabel: Self.handLabels)
        #expect(any.rows == [3, 4, 5])
    }

    @Test func test_a_hand_label_in_the_group_represents_it_and_is_never_unrepresented() {
        var labels = Self.handLabels
        labels[4] = true
        let groups = UnrepresentedGroups(nearest: Self.nearest(Self.positions), k: 2, classes: Self.classes, isHandLabel: labels)
        #expect(groups.rows.isEmpty)
        // A hand-labeled row alone, with no same-class neighbour, is still not unrepresented.
        let alone = UnrepresentedGroups(nearest: Self.nearest([0, 50]), k: 1, classes: [0, 1], isHandLabel: [true, true])
        #expect(alone.rows.isEmpty)
    }

    @Test func test_only_mutual_same_class_edges_join_rows() {
        // Row 2 (class 0) lies next to the labeled pair but is not among their nearest: with k = 1
        // 0 and 1 choose each other, 2 chooses 1 and is not chosen back, so 2 is alone.
        let positions: [Double] = [0, 1, 2.5]
        let groups = UnrepresentedGroups(
            nearest: Self.nearest(positions), k: 1, classes: [0, 0, 0], isHandLabel: [true, false, false])
        #expect(groups.rows == [2])
        // An edge to another class does not join: row 1 predicted as class 1 next to class 0's label.
        let crossing = UnrepresentedGroups(
            nearest: Self.nearest([0, 1]), k: 1, classes: [0, 1], isHandLabel: [true, false])
        #expect(crossing.rows == [1])
        // Rows without a class are ignored.
        let unclassed = UnrepresentedGroups(
            nearest: Self.nearest([0, 1]), k: 1, classes: [0, nil], isHandLabel: [true, false])
        #expect(unclassed.rows.isEmpty)
    }

    @Test func test_the_result_does_not_depend_on_row_order() {
        let order = [5, 2, 7, 0, 3, 6, 1, 4]
        let positions = order.map { Self.positions[$0] }
        let groups = UnrepresentedGroups(
            nearest: Self.nearest(positions), k: 2, classes: order.map { Self.classes[$0] },
            isHandLabel: order.map { Self.handLabels[$0] })
        #expect(Set(groups.rows.map { order[$0] }) == [3, 4, 5])
    }
}
