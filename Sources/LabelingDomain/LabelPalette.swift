/// Default display colours for labels created without one.
///
/// Deterministic: the n-th label of a dataset takes the n-th palette colour that no label
/// of the dataset uses yet, so labels added in one request, or one after another, get
/// distinct colours until the palette runs out; then it starts again from the top.
/// An explicit colour is always kept.
///
/// ```swift
/// let colours = LabelPalette.defaults(count: 2, existing: state.labels)  // ["#E6194B", "#3CB44B"]
/// ```
public enum LabelPalette {
    /// Twenty colours chosen to be told apart (Sasha Trubetskoy's list), in order.
    public static let colours = [
        "#E6194B", "#3CB44B", "#FFE119", "#4363D8", "#F58231", "#911EB4", "#46F0F0", "#F032E6", "#BCF60C", "#FABEBE",
        "#008080", "#E6BEFF", "#9A6324", "#FFFAC8", "#800000", "#AAFFC3", "#808000", "#FFD8B1", "#000075", "#808080",
    ]

    /// Colours for `count` new labels of a dataset whose labels are `existing`: palette
    /// colours not used yet (compared case-insensitively), in palette order, then the
    /// palette again by the new label's index in the dataset.
    public static func defaults(count: Int, existing: [LabelDefinition]) -> [String] {
        var used = Set(existing.map { $0.color.uppercased() })
        var out: [String] = []
        out.reserveCapacity(count)
        var next = colours.startIndex
        for index in 0..<count {
            while next < colours.endIndex, used.contains(colours[next]) { next += 1 }
            if next < colours.endIndex {
                out.append(colours[next])
                used.insert(colours[next])
                next += 1
            } else {
                out.append(colours[(existing.count + index) % colours.count])
            }
        }
        return out
    }
}

extension LabelPalette {
    /// Label definitions for requested labels: an explicit colour is kept, a missing one
    /// is a default (``defaults(count:existing:)``) that neither `existing` nor the explicit
    /// colours of the same request use.
    public static func definitions(
        _ requested: [(name: String, color: String?)], existing: [LabelDefinition]
    ) -> [LabelDefinition] {
        let explicit = requested.compactMap { $0.color.map { LabelDefinition(name: "", color: $0) } }
        var defaults = defaults(count: requested.count - explicit.count, existing: existing + explicit).makeIterator()
        return requested.map { LabelDefinition(name: $0.name, color: $0.color ?? defaults.next() ?? colours[0]) }
    }
}
