import LabelingDomain

/// A tab of a dataset's samples: the service's `sample_state` (none for ``all``).
public enum SampleTab: String, Sendable, Hashable, CaseIterable {
    case all
    case labeled
    case unlabeled
    case toBeConfirmed

    /// The state the tab shows; nil for ``all``.
    public var state: SampleState? {
        switch self {
        case .all: nil
        case .labeled: .labeled
        case .unlabeled: .unlabeled
        case .toBeConfirmed: .toBeConfirmed
        }
    }
}

/// Sort direction of a tab, by the order samples were added (the service's `order`).
public enum SampleOrder: String, Sendable, Hashable, CaseIterable {
    case asc
    case desc
}
