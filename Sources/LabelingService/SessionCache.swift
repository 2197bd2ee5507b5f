import LabelingDomain

/// The dataset sessions ``DatasetService`` holds, bounded: least recently used first out.
///
/// Invariant: after ``session(_:bound:make:)`` returns, at most `bound` sessions are held,
/// the one returned among them. Eviction scans for the oldest use (O(bound)); a touch is O(1).
struct SessionCache {
    private var entries: [DatasetID: (session: DatasetSession, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    var count: Int { entries.count }

    /// The session of `id`, made by `make` if none is held; the least recently used ones are
    /// evicted while more than `bound` are held.
    mutating func session(_ id: DatasetID, bound: Int, make: () -> DatasetSession) -> DatasetSession {
        clock += 1
        if let entry = entries[id] {
            entries[id] = (entry.session, clock)
            return entry.session
        }
        let session = make()
        entries[id] = (session, clock)
        while entries.count > bound, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries[oldest] = nil
        }
        return session
    }
}
