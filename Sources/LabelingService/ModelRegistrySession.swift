import EventLog
import LabelingDomain

/// One model registry's state and the one place its commands are decided: a project's
/// (stream `models/<project>`) or the server-wide one (`models`), see ``StreamNames``.
actor ModelRegistrySession {
    let log: any EventStore
    let stream: String
    private var state = ModelRegistryState()

    init(log: any EventStore, stream: String) {
        self.log = log
        self.stream = stream
    }

    /// The registry including every durable event: read in place from the embedded log, a
    /// page at a time from another engine (events a concurrent call already folded are skipped).
    func current() async throws(ServiceError) -> ModelRegistryState {
        func take(_ recorded: RecordedEvent, _ event: DomainEvent) {
            evolve(&state, event)
            state.version = recorded.streamVersion
        }
        if let embedded = log as? EventLog {
            try DatasetStream.forEach(in: embedded, stream: stream, fromVersion: state.version + 1, take)
            return state
        }
        while true {
            let page = try await DatasetStream.page(of: log, stream: stream, fromVersion: state.version + 1)
            try DatasetStream.apply(page, after: state.version, take)
            if page.count < DatasetStream.pageSize { return state }
        }
    }

    func execute(_ command: ModelRegistryCommand, actor: String, commandID: String?) async throws(ServiceError)
        -> AppendResult?
    {
        for _ in 0..<3 {
            let registry = try await current()
            let events: [DomainEvent]
            do { events = try decide(command, registry: registry) } catch { throw .rule(error) }
            let proposed = events.map { event in
                let encoded = event.encode()
                return ProposedEvent(
                    type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload, actor: actor)
            }
            do {
                let result = try await log.append(
                    stream: stream, expectedVersion: .exact(registry.version), events: proposed,
                    commandID: commandID)
                _ = try await current()
                return result
            } catch let error as LogError {
                if case .wrongExpectedVersion = error { continue }
                throw .log(error)
            } catch let error as ServiceError {
                throw error
            } catch {
                throw .log(.failed(reason: "\(error)"))
            }
        }
        throw .tooManyConflicts(dataset: stream, attempts: 3)
    }
}
