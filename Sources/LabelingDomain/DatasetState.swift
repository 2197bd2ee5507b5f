/// The state of one dataset (one event stream), folded from its events by
/// `evolve` and read by `decide`.
///
/// Besides the samples it keeps incremental counters so that every rule check
/// is O(labels), never O(samples), even with a million samples:
/// per-state counts (``sampleCounts``), per-label usage (``labelUsage``), the
/// set of sample names (``sampleNames``) and hard-example counts.
///
/// Invariants (checked by the property tests):
/// - every counter equals a recount from ``samples`` (see ``recountedCounters()``);
/// - ``labelUsage`` has exactly one entry per label of ``labels``;
/// - labels and predictions on samples name labels of the label set;
/// - ``activeTaskID``, when set, names a task of ``tasks`` whose status is not terminal;
/// - a deleted state (``isDeleted``) has no samples, no active task and zero counters.
///
/// ```swift
/// var state = DatasetState()
/// for (event, version) in zip(events, 1...) {
///     evolve(&state, event)
///     state.version = UInt64(version)
/// }
/// ```
public struct DatasetState: Sendable, Equatable {
    /// How many samples are in each state.
    public struct SampleCounts: Sendable, Equatable {
        public var unlabeled = 0
        public var toBeConfirmed = 0
        public var labeled = 0

        public init() {}

        public var total: Int { unlabeled + toBeConfirmed + labeled }

        public subscript(_ state: SampleState) -> Int {
            get {
                switch state {
                case .unlabeled: unlabeled
                case .toBeConfirmed: toBeConfirmed
                case .labeled: labeled
                }
            }
            set {
                switch state {
                case .unlabeled: unlabeled = newValue
                case .toBeConfirmed: toBeConfirmed = newValue
                case .labeled: labeled = newValue
                }
            }
        }
    }

    /// How much one label is used.
    public struct LabelUsage: Sendable, Equatable {
        /// Labeled samples carrying the label (each counted once).
        public var labeledSamples = 0
        /// Instances of the label on labeled samples (boxes count one each).
        public var labeledAnnotations = 0
        /// To-be-confirmed samples whose predictions carry the label.
        public var pendingSamples = 0

        public init() {}

        /// Whether deleting the label would touch samples.
        public var isInUse: Bool { labeledSamples > 0 || pendingSamples > 0 }
    }

    // MARK: - Dataset

    /// False until `DatasetCreated` is applied: the state of a stream with no events.
    public internal(set) var isCreated = false
    public internal(set) var id = DatasetID("")
    public internal(set) var name = ""
    public internal(set) var type = LabelingType.imageClassification
    public internal(set) var description = ""
    public internal(set) var createdAt = Instant(microsecondsSince1970: 0)
    /// The label set, in creation order.
    public internal(set) var labels: [LabelDefinition] = []
    /// Set by `DatasetDeleted`: who deleted the dataset, when, and what it held. A deleted
    /// state keeps ``isCreated``, its id, name, type, labels and tasks (for messages and
    /// audits) but no samples; `decide` refuses every command on it.
    public internal(set) var deletion: DatasetDeleted?

    // MARK: - Samples and tasks

    public internal(set) var samples: [SampleID: SampleRecord] = [:]
    public internal(set) var tasks: [TaskID: TaskRecord] = [:]
    /// The one task that is queued, initializing, running or stopping.
    public internal(set) var activeTaskID: TaskID?
    /// The dataset's last continuous-mode setting (nil: never configured; `newSamples == 0`: off).
    public internal(set) var continuousAutoLabeling: ContinuousAutoLabelingConfigured?

    /// The stream version of the last applied event; set by the caller after
    /// each `evolve` (0: no event).
    public var version: UInt64 = 0

    // MARK: - Incremental counters

    public internal(set) var sampleCounts = SampleCounts()
    /// One entry per label of ``labels``.
    public internal(set) var labelUsage: [String: LabelUsage] = [:]
    /// Names of all samples (names are unique in a dataset).
    public internal(set) var sampleNames: Set<String> = []
    /// Samples with a hard-example mark.
    public internal(set) var hardSampleCount = 0
    /// Marked samples per reason.
    public internal(set) var hardReasonCounts: [HardReason: Int] = [:]

    /// An empty state: a stream before its `DatasetCreated` event.
    public init() {}

    /// Whether the dataset was deleted (see ``deletion``).
    public var isDeleted: Bool { deletion != nil }

    /// Whether the dataset exists now: created and not deleted.
    public var exists: Bool { isCreated && deletion == nil }

    /// The active task, if any.
    public var activeTask: TaskRecord? { activeTaskID.flatMap { tasks[$0] } }

    /// Whether `name` is in the label set. O(1).
    public func hasLabel(_ name: String) -> Bool { labelUsage[name] != nil }
}

// MARK: - Counting

extension DatasetState {
    /// Adds (`sign` = 1) or removes (`sign` = -1) a sample's contribution to the counters.
    mutating func count(_ record: SampleRecord, _ sign: Int) {
        sampleCounts[record.state] += sign
        switch record.state {
        case .unlabeled:
            break
        case .labeled:
            for name in Self.distinctNames(record.labels) {
                labelUsage[name]?.labeledSamples += sign
            }
            for label in record.labels {
                labelUsage[label.name]?.labeledAnnotations += sign
            }
        case .toBeConfirmed:
            for name in Self.distinctNames(record.predictedLabels) {
                labelUsage[name]?.pendingSamples += sign
            }
        }
        if let mark = record.hardMark {
            hardSampleCount += sign
            for reason in Set(mark.reasons) {
                hardReasonCounts[reason, default: 0] += sign
                if hardReasonCounts[reason] == 0 { hardReasonCounts[reason] = nil }
            }
        }
    }

    static func distinctNames(_ labels: [SampleLabel]) -> [String] {
        switch labels.count {
        case 0: return []
        case 1: return [labels[0].name]
        default:
            var seen: [String] = []
            for label in labels where !seen.contains(label.name) { seen.append(label.name) }
            return seen
        }
    }

    /// The counters recomputed from scratch from the samples: O(samples).
    /// Used by snapshot decoding and by tests to check the incremental ones.
    public func recountedCounters() -> DatasetState {
        var fresh = self
        fresh.sampleCounts = SampleCounts()
        fresh.labelUsage = Dictionary(uniqueKeysWithValues: labels.map { ($0.name, LabelUsage()) })
        fresh.sampleNames = Set(minimumCapacity: samples.count)
        fresh.hardSampleCount = 0
        fresh.hardReasonCounts = [:]
        for record in samples.values {
            fresh.count(record, 1)
            fresh.sampleNames.insert(record.name)
        }
        return fresh
    }
}
