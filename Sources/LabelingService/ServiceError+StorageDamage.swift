import EventLog

extension ServiceError {
    /// Whether the failure is damage to the log's storage (a frame that fails its checks, a
    /// missing or unreadable segment, a log that refuses appends after a failed write): an
    /// API answers 503 with the log's own code, no request being at fault.
    public var isStorageDamage: Bool {
        if case let .log(error) = self { error.isStorageDamage } else { false }
    }
}
