import LabelingService

extension LedgerQueries {
    /// The log's events of `project` from `position` on: the catch-up, then (with `live`)
    /// each new event as it becomes durable (``LabelingService/ProjectEventFeed``). For the
    /// server's event stream (`GET /v2/{project_id}/events`) and any integration.
    public func events(ofProject project: String, from position: UInt64, live: Bool = true) -> ProjectEventFeed {
        ProjectEventFeed(log: log.store, project: project, from: position, live: live)
    }
}
