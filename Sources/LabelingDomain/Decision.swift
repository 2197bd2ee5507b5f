/// What `decide` concluded: the events to append (in order, all or nothing)
/// and, for batch commands, one result per requested sample in request order.
///
/// A batch in which every sample failed has no events; the caller answers
/// with the results (the service answers 200 with `results[]` too).
public struct Decision: Sendable, Equatable {
    public var events: [DomainEvent]
    /// Empty for commands that are not about samples.
    public var results: [SampleResult]

    public init(events: [DomainEvent], results: [SampleResult] = []) {
        self.events = events
        self.results = results
    }

    /// The results that failed.
    public var failures: [SampleResult] { results.filter { !$0.success } }
}

/// The outcome for one sample of a batch, like the service's
/// `results[{success, error_code, error_msg}]`.
public struct SampleResult: Sendable, Equatable {
    public var sampleID: SampleID
    /// nil when the sample's change is in the decision's event.
    public var error: DomainError?

    public init(sampleID: SampleID, error: DomainError? = nil) {
        self.sampleID = sampleID
        self.error = error
    }

    public var success: Bool { error == nil }
    /// `error_code`.
    public var errorCode: String? { error?.code }
    /// `error_msg`.
    public var errorMessage: String? { error?.message }
}
