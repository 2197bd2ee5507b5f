import EventLog
import LabelingDomain

/// One model registry's state and the one place its commands are decided: a project's
/// (stream `models/<project>`) or the server-wide one (`models`), see ``StreamNames``.
actor ModelRegistrySession {
    let log: EventLog
    let stream: String
    private var state = ModelRegistryState()

    init(log: EventLog, stream: String) {
        self.log = log
        self.stream = stream
    }

    func current() throws(ServiceError) -> ModelRegistryState {
        try DatasetStream.forEach(in: log, stream: stream, fromVersion: state.version + 1) {
            recorded, event throws(ServiceError) in
            evolve(&state, event)
            state.version = recorded.streamVersion
        }
        return state
    }

    func execute(_ command: ModelRegistryCommand, actor: String, commandID: String?) async throws(ServiceError)
        -> AppendResult?
    {
        for _ in 0..<3 {
            let registry = try current()
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
                _ = try current()
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
