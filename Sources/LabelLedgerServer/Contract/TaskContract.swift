import Foundation
import Hummingbird
import LabelingDomain
import Projections

struct StartTaskRequest: Codable, Sendable {
    struct Config: Codable, Sendable {
        var algorithm_type: String?
        var target_accuracy: Double?
    }
    var task_type: String
    var config: Config?
    /// Pre-labeling: `name:version` of a registered model.
    var model_id: String?
}

struct TaskIDResponse: ResponseEncodable, Sendable {
    var task_id: String
}

struct TaskDTO: ResponseEncodable, Sendable {
    struct Phase: Codable, Sendable {
        var name: String
        var status: String
    }
    struct Result: Codable, Sendable {
        var total_sample_count: UInt64
        var annotated_sample_count: UInt64
        var unconfirmed_sample_count: UInt64
        var hard_example_count: UInt64
        var flattened_rgba_count: UInt64?
        /// Samples the task could not use (unreadable or missing image); set once the task succeeded.
        var skipped_sample_count: UInt64?
        var skipped_samples: [SkippedSampleDTO]?
        var events: [Phase]
    }
    struct SkippedSampleDTO: Codable, Sendable {
        var sample_id: String
        var reason: String
    }
    struct Event: Codable, Sendable {
        var position: UInt64
        var type: String
        var status: Int
        var time: String
        var actor: String
        var detail: String
    }

    var task_id: String
    var task_type: String
    var algorithm_type: String
    var model_id: String?
    var status: Int
    var progress: Double
    var code: String?
    var message: String?
    var elapsed_time: Double?
    var create_time: String
    var metrics: [String: Double]
    var result: Result
    var history: [Event]

    /// - Parameter skipped: the samples a succeeded task skipped (``ProjectionQueries/skippedSamples(of:tasks:)``).
    init(_ task: TaskView, skipped: [SkippedSample]? = nil) {
        task_id = task.id.rawValue
        task_type = task.type == .autoLabel ? "auto-label" : "pre-label"
        algorithm_type = task.algorithm == .fast ? "fast" : "accurate"
        model_id = task.model
        status = task.status.rawValue
        progress = task.progress
        code = task.failureCode
        message = task.failureMessage
        elapsed_time = task.elapsedMicroseconds.map { Double($0) / 1_000_000 }
        create_time = WireWriter.time(task.queuedAt.date)
        metrics = task.metrics
        result = Result(
            total_sample_count: task.result?.totalSamples ?? task.total ?? 0,
            annotated_sample_count: task.result?.autoLabeledSamples ?? task.autoLabeledSamples,
            unconfirmed_sample_count: task.autoLabeledSamples,
            hard_example_count: task.result?.hardExamples ?? task.hardExamples,
            flattened_rgba_count: task.result?.flattenedRGBAImages,
            skipped_sample_count: task.result == nil ? nil : UInt64(skipped?.count ?? 0),
            skipped_samples: task.result == nil
                ? nil : (skipped ?? []).map { SkippedSampleDTO(sample_id: $0.sampleID.rawValue, reason: $0.reason) },
            events: task.phases.map { Phase(name: $0.name, status: $0.status) })
        history = task.events.map {
            Event(position: $0.position, type: $0.type, status: $0.status.rawValue, time: WireWriter.time($0.at.date), actor: $0.actor, detail: $0.detail)
        }
    }
}

struct TaskListResponse: ResponseEncodable, Sendable {
    var tasks: [TaskDTO]
    var total_count: Int
}

/// `PUT …/auto-annotations/continuous`: the dataset's continuous mode (ours).
struct ContinuousAutoLabelingRequest: Codable, Sendable {
    /// Queue an active-learning task after this many samples were labeled or confirmed by people; 0 turns it off.
    var new_sample_threshold: Int
    /// `fast` or `accurate` (default `accurate`).
    var algorithm_type: String?
}

/// The dataset's continuous-mode setting as the API shows it.
struct ContinuousAutoLabelingResponse: ResponseEncodable, Sendable {
    var enabled: Bool
    var new_sample_threshold: Int
    var algorithm_type: String
    var configured_by: String?
    var configured_at: String?

    init(_ setting: ContinuousAutoLabelingConfigured?) {
        enabled = (setting?.newSamples ?? 0) > 0
        new_sample_threshold = setting?.newSamples ?? 0
        algorithm_type = setting?.algorithm == .fast ? "fast" : "accurate"
        configured_by = setting?.by
        configured_at = setting.map { WireWriter.time($0.at.date) }
    }
}
