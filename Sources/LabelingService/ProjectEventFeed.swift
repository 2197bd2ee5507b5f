import EventLog
import Foundation
import LabelingDomain

/// One event of the log as a project's event feed shows it: the envelope, the dataset it
/// belongs to (its id within the project; nil for the project's model registry) and, for an
/// auto-labeling task's events, the task and its progress.
public struct ProjectEvent: Sendable, Equatable {
    public var position: UInt64
    /// The dataset's id within the project (`<id>` of `<project>/<id>`); nil for a model event.
    public var datasetID: String?
    public var type: String
    /// The event's version within its stream (a dataset's version after it).
    public var version: UInt64
    public var recordedAt: Date
    public var actor: String
    public var taskID: String?
    /// A task's whole progress in [0, 100] (``TaskProgressed/percent``; 100 when it succeeded).
    public var progress: Double?
}

/// The log's events of one project, by position: every event from a position on (catch-up),
/// then each new one as it becomes durable (live), leaving out every event of other
/// projects and of datasets without a project.
///
/// Invariants: positions strictly increase; an event belongs to `project` exactly when its
/// stream is `dataset:<project>/…` or the project's model registry `models/<project>`; the
/// feed ends when the log closes or the consuming task is cancelled. Memory is bounded by
/// one frame of the log (``EventLog/subscribe(from:)``), however far behind it starts.
///
/// ```swift
/// for try await event in ProjectEventFeed(log: log, project: "demo", from: 1) { … }
/// ```
public struct ProjectEventFeed: AsyncSequence, Sendable {
    public typealias Element = ProjectEvent
    let log: any EventStore
    let project: String
    let from: UInt64
    let live: Bool

    /// - Parameter live: false ends the feed at the head as the reader finds it.
    public init(log: any EventStore, project: String, from position: UInt64, live: Bool = true) {
        self.log = log
        self.project = project
        self.from = Swift.max(position, 1)
        self.live = live
    }

    public func makeAsyncIterator() -> Iterator {
        let events: any AsyncIteratorProtocol<RecordedEvent, any Error> =
            live ? log.subscribe(from: from, whenLive: nil).makeAsyncIterator() : log.events(from: from).makeAsyncIterator()
        return Iterator(events: events, project: project)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var events: any AsyncIteratorProtocol<RecordedEvent, any Error>
        let datasetPrefix: String
        let registry: String

        init(events: any AsyncIteratorProtocol<RecordedEvent, any Error>, project: String) {
            self.events = events
            datasetPrefix = StreamNames.datasetPrefix + project + "/"
            registry = StreamNames.modelRegistry(ofProject: project)
        }

        public mutating func next() async throws -> ProjectEvent? {
            while let event = try await events.next() {
                if let shown = show(event) { return shown }
            }
            return nil
        }

        /// The event as the feed shows it, or nil when it is not the project's.
        func show(_ event: RecordedEvent) -> ProjectEvent? {
            let dataset: String?
            if event.streamID.hasPrefix(datasetPrefix) {
                dataset = String(event.streamID.dropFirst(datasetPrefix.count))
            } else if event.streamID == registry {
                dataset = nil
            } else {
                return nil
            }
            var shown = ProjectEvent(
                position: event.position, datasetID: dataset, type: event.type, version: event.streamVersion,
                recordedAt: event.recordedAt, actor: event.actor)
            if event.type.hasPrefix("Task") || event.type == "AutoLabelTaskQueued",
                let decoded = try? DomainEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
            {
                switch decoded {
                case let .autoLabelTaskQueued(e): shown.taskID = e.taskID.rawValue
                case let .taskStarted(e): shown.taskID = e.taskID.rawValue
                case let .taskRunning(e): shown.taskID = e.taskID.rawValue
                case let .taskProgressed(e): (shown.taskID, shown.progress) = (e.taskID.rawValue, e.percent)
                case let .taskTrainingFinished(e): shown.taskID = e.taskID.rawValue
                case let .taskSucceeded(e): (shown.taskID, shown.progress) = (e.taskID.rawValue, 100)
                case let .taskFailed(e): shown.taskID = e.taskID.rawValue
                case let .taskStopRequested(e): shown.taskID = e.taskID.rawValue
                case let .taskStopped(e): shown.taskID = e.taskID.rawValue
                default: break
                }
            }
            return shown
        }
    }
}
