import Foundation
import LabelingDomain

/// What an audit query asks for: the history of one sample, one dataset or one actor,
/// optionally within a time range, in log order.
///
/// ```swift
/// let trail = try queries.history(HistoryQuery(.sample("img-7", dataset: "ds-1")))
/// let today = try queries.history(HistoryQuery(.actor("ana"), since: midnight))
/// ```
public struct HistoryQuery: Sendable, Hashable {
    public enum Subject: Sendable, Hashable {
        /// A sample; without a dataset, the sample id in every dataset.
        case sample(SampleID, dataset: DatasetID?)
        case dataset(DatasetID)
        case actor(String)
    }

    public var subject: Subject
    /// Inclusive bounds on the time the log recorded the event.
    public var since: Date?
    public var until: Date?
    /// Only events after this position (paging).
    public var afterPosition: UInt64
    /// 1…100,000.
    public var limit: Int

    public init(_ subject: Subject, since: Date? = nil, until: Date? = nil, afterPosition: UInt64 = 0, limit: Int = 10_000) {
        self.subject = subject
        self.since = since
        self.until = until
        self.afterPosition = afterPosition
        self.limit = limit
    }
}

/// One line of an audit trail: an event, and for sample histories what it did to the sample.
public struct HistoryEntry: Sendable, Equatable {
    /// What one event did to one sample.
    public struct SampleChange: Sendable, Equatable {
        public var sampleID: SampleID
        /// `added`, `labels`, `confirmed`, `rejected`, `auto-labeled`, `hard`, `deleted`, `label deleted`.
        public var change: String
        /// E.g. `toBeConfirmed [dog 0.930]`; empty for `added`.
        public var before: String
        public var after: String
        /// Who labelled the sample, as the change left it (its first visible label's
        /// ``LabelingDomain/Labeler``); nil when it has no label.
        public var labeler: Labeler?
    }

    public var position: UInt64
    public var recordedAt: Date
    public var actor: String
    public var type: String
    public var stream: String
    public var dataset: DatasetID?
    public var commandID: String
    public var correlationID: String
    /// What the event did, in one line.
    public var summary: String
    /// Samples the event changed.
    public var sampleCount: Int
    /// Set in sample histories.
    public var sample: SampleChange?

    /// `before → after` for a sample entry, else the summary.
    public var whatChanged: String {
        guard let sample else { return summary }
        return sample.before.isEmpty ? "\(sample.change): \(sample.after)" : "\(sample.change): \(sample.before) → \(sample.after)"
    }
}
