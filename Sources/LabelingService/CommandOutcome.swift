import EventLog
import LabelingDomain

/// What executing a command did.
public struct CommandOutcome: Sendable {
    /// The rules' verdict: the events and, for batch commands, one result per sample.
    public var decision: Decision
    /// Where the events were written; nil when the decision had no events (every sample
    /// of a batch failed).
    public var append: AppendResult?
    /// The dataset's stream version after the command (its ETag for `If-Match`).
    public var version: UInt64

    /// True when the command id had been executed before: nothing was appended again,
    /// `append` names the original events, and `decision` is the verdict as it would be now.
    public var deduplicated: Bool { append?.deduplicated ?? false }

    /// The log position of the command's last event (nil: nothing was appended).
    public var lastPosition: UInt64? { append?.lastPosition }
}
