/// Groups of images that hang together but hold no hand label of the class they were given
/// (hard-example reason 3, the group half).
///
/// With a few hand labels per class, a whole style of a class can go unlabeled: a group of
/// "1"s drawn with a foot, say, that the classifier calls "8". The classifier, its committee,
/// the neighbour vote and label spreading all learned from the same labels, so they agree on
/// the wrong class with high confidence, and no per-image rule flags them. The group itself
/// stands out: its images are each other's nearest neighbours, and none of them is a hand
/// label of that class.
///
/// The rule: take the mutual `k`-nearest-neighbour graph (an edge when each row is among the
/// other's `k` nearest), keep only the edges between rows of the same class (hand label or
/// prediction), and find its connected components. Every row of a component that holds no
/// hand label is in an unrepresented group. A mutual graph is sparse (most rows keep only a
/// few edges), so it splits into the groups the images form, rather than into one component
/// per class.
///
/// A component needs ``init(nearest:k:classes:isHandLabel:minimumSize:)``'s `minimumSize`
/// rows to count as a group: a lone image or a pair is an outlier, which the other rules weigh.
///
/// On the digits evaluation (5 labels per class, first task of each seed; `k` = 5, at least 3
/// images, both chosen on seeds 1–32) adding this rule raised the seeds meeting "catch ≥ 80 %
/// of wrong auto labels, flag ≤ 25 %" from 22 to 28 of seeds 1–32 and from 18 to 26 of seeds
/// 33–64, which played no part in the choice; seed 6's confidently wrong "1 → 8" labels are
/// one such group.
///
/// Invariants: deterministic (the graph and the components do not depend on visiting order);
/// a hand-labeled row is never in an unrepresented group; rows without a class are ignored.
///
/// ```swift
/// let groups = UnrepresentedGroups(nearest: graph.nearestRows, k: 5, classes: classes, isHandLabel: seeds, minimumSize: 3)
/// if groups.contains(row) { /* reason 3 */ }
/// ```
public struct UnrepresentedGroups: Sendable, Equatable {
    /// Rows in a same-class group without a hand label.
    public let rows: Set<Int>

    /// - Parameters:
    ///   - nearest: each row's nearest other rows, nearest first (at least `k` where there are).
    ///   - k: how many of each list count for the mutual graph.
    ///   - classes: each row's class (hand label or prediction; nil: none).
    ///   - isHandLabel: whether each row's class is a hand label.
    ///   - minimumSize: the fewest rows a component needs to count as a group.
    public init(nearest: [[Int]], k: Int, classes: [Int?], isHandLabel: [Bool], minimumSize: Int = 1) {
        let n = nearest.count
        precondition(classes.count == n && isHandLabel.count == n)
        let near = nearest.map { Set($0.prefix(k)) }
        var parent = Array(0..<n)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        for i in 0..<n {
            guard let c = classes[i] else { continue }
            for j in nearest[i].prefix(k) where j > i && classes[j] == c && near[j].contains(i) {
                let (a, b) = (root(i), root(j))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var represented = Set<Int>(), size: [Int: Int] = [:]
        for i in 0..<n where classes[i] != nil {
            size[root(i), default: 0] += 1
            if isHandLabel[i] { represented.insert(root(i)) }
        }
        rows = Set((0..<n).filter {
            classes[$0] != nil && !isHandLabel[$0] && !represented.contains(root($0)) && size[root($0)]! >= minimumSize
        })
    }

    public func contains(_ row: Int) -> Bool { rows.contains(row) }
}
