import Foundation
import LabelingDomain
import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Runs a registered model's command over a manifest of samples and reads its
/// predictions manifest (format: `PRELABEL.md` in this module).
///
/// The command is started as `commandLine[0] commandLine[1…] <input.manifest> <output.manifest>`
/// with no shell, spawned through swift-subprocess (not Foundation's `Process`) in a process
/// group of its own. Its stderr is captured (last 4 000 characters) into the error of a failed run.
///
/// The command runs as the server's user, with that user's rights over files: registering a
/// model is an admin's act. It inherits nothing of the server's environment (no tokens,
/// no configuration): it sees only ``environment(workingDirectory:)`` — `PATH`, `LANG`,
/// `HOME` and `TMPDIR` — and starts in a fresh working directory of its own (which holds
/// the two manifests), removed with everything in it when the run ends.
///
/// Invariants: the process never outlives the call — on timeout, on cancellation (a stop
/// request) or on return it is killed (SIGTERM, then SIGKILL after one second);
/// a non-zero exit or a timeout is an error, never an empty result.
public struct ExternalModelRunner: Sendable {
    /// One label a model predicted for a sample.
    public struct ModelPrediction: Sendable, Equatable {
        public var name: String
        public var confidence: Double
        /// Detection models only.
        public var box: BoundingBox?
    }

    public let model: ModelRegistryState.Model

    public init(model: ModelRegistryState.Model) { self.model = model }

    /// Predicts `samples` (id and image path). Samples the model left out are absent from the result.
    /// - Parameter labelNames: predictions of other labels are dropped.
    public func predict(samples: [(id: SampleID, path: String)], labelNames: Set<String>) async throws
        -> [SampleID: [ModelPrediction]]
    {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("prelabel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let input = work.appendingPathComponent("input.manifest"), output = work.appendingPathComponent("output.manifest")
        let stderrURL = work.appendingPathComponent("stderr.txt")
        var lines = ""
        for sample in samples {
            let object: [String: Any] = ["id": sample.id.rawValue, "source": sample.path, "usage": "INFERENCE"]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try Data(lines.utf8).write(to: input)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        var options = PlatformOptions()
        // Its own process group, so that a stop request (task cancellation) ends the whole
        // tree the same way a timeout does: SIGTERM, then SIGKILL after one second.
        options.processGroupID = 0
        options.teardownSequence = [.send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(1))]
        let environment = Dictionary(uniqueKeysWithValues: Self.environment(workingDirectory: work).compactMap { key, value in
            Environment.Key(rawValue: key).map { ($0, value) }
        })
        let stderrFile: FileDescriptor
        do {
            stderrFile = try FileDescriptor.open(FilePath(stderrURL.path), .writeOnly)
        } catch {
            throw AutoLabelingError.modelLaunchFailed(model: model.ref.description, reason: "\(error)")
        }
        let deadline = Date().addingTimeInterval(Double(model.timeoutSeconds))
        let status: TerminationStatus, timedOut: Bool
        do {
            let result = try await Subprocess.run(
                .path(FilePath(model.commandLine[0])), arguments: Arguments(Array(model.commandLine.dropFirst()) + [input.path, output.path]),
                environment: .custom(environment), workingDirectory: FilePath(work.path), platformOptions: options,
                input: .none, output: .discarded, error: .fileDescriptor(stderrFile, closeAfterSpawningProcess: true)
            ) { execution -> Bool in
                let pid = execution.processIdentifier.value
                while !Self.hasEnded(pid) {
                    if Task.isCancelled || Date() >= deadline {
                        await Self.kill(pid)
                        return !Task.isCancelled
                    }
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return false
            }
            status = result.terminationStatus
            timedOut = result.closureResult
        } catch let error as SubprocessError {
            throw AutoLabelingError.modelLaunchFailed(model: model.ref.description, reason: "\(error)")
        }
        let stderr = String(String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines).suffix(4000))
        try Task.checkCancellation()
        if timedOut { throw AutoLabelingError.modelTimedOut(model: model.ref.description, seconds: model.timeoutSeconds, stderr: stderr) }
        guard case .exited(0) = status else {
            let code: Int32 =
                switch status {
                case .exited(let code): code
                case .signaled(let signal): signal
                }
            throw AutoLabelingError.modelExited(model: model.ref.description, status: code, stderr: stderr)
        }
        return try parse(output, labelNames: labelNames)
    }

    /// The whole environment of a model process: a fixed `PATH` of the system's directories,
    /// the C locale with UTF-8, and `HOME` and `TMPDIR` in the run's own directory.
    static func environment(workingDirectory: URL) -> [String: String] {
        [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "HOME": workingDirectory.path, "TMPDIR": workingDirectory.path,
        ]
    }

    /// Ends the model and everything it started: SIGTERM to the process tree, SIGKILL to
    /// whatever is left after one second. The whole tree matters: a grandchild (e.g. the
    /// `sleep` of a shell script) may hold the model's files and descriptors open.
    /// The grace second is waited for by suspending, never by sleeping a thread of the
    /// cooperative pool (and it is waited for whole even when the task is cancelled: a
    /// cancelled task's sleep would return at once).
    static func kill(_ pid: pid_t) async {
        let tree = [pid] + descendants(of: pid)
        for member in tree { Glibc.kill(member, SIGTERM) }
        let grace = Date().addingTimeInterval(1)
        while !hasEnded(pid), Date() < grace {
            await Task.detached { try? await Task.sleep(for: .milliseconds(20)) }.value
        }
        for member in tree { Glibc.kill(member, SIGKILL) }
    }

    /// Whether `pid` has ended: gone, or a zombie waiting to be reaped (Linux `/proc`).
    static func hasEnded(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state == "Z" || state == "X"
    }

    /// Every live descendant of `root`, read from `/proc/<pid>/stat` (Linux).
    static func descendants(of root: pid_t) -> [pid_t] {
        var parents: [pid_t: [pid_t]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // Fields after the command name: state, ppid, …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { parents[parent, default: []].append(pid) }
        }
        var result: [pid_t] = [], frontier = [root]
        while let next = frontier.popLast() {
            for child in parents[next] ?? [] {
                result.append(child)
                frontier.append(child)
            }
        }
        return result
    }

    /// The largest predictions manifest read: it is read whole, so a model writing without
    /// end fails its task instead of the server's memory.
    static let maximumOutputBytes = 256 << 20

    func parse(_ url: URL, labelNames: Set<String>) throws -> [SampleID: [ModelPrediction]] {
        let name = model.ref.description
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? Int,
            size > Self.maximumOutputBytes
        {
            throw AutoLabelingError.malformedPredictions(
                model: name, line: 0, reason: "the predictions manifest has \(size) bytes, more than the limit of \(Self.maximumOutputBytes)")
        }
        guard let data = try? Data(contentsOf: url) else {
            throw AutoLabelingError.malformedPredictions(model: name, line: 0, reason: "no predictions manifest was written")
        }
        var result: [SampleID: [ModelPrediction]] = [:]
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
                let id = object["id"] as? String
            else { throw AutoLabelingError.malformedPredictions(model: name, line: number + 1, reason: "not a JSON object with an \"id\"") }
            var predictions: [ModelPrediction] = []
            for annotation in object["annotation"] as? [[String: Any]] ?? [] {
                guard let label = annotation["name"] as? String,
                    let confidence = (annotation["confidence"] as? NSNumber)?.doubleValue, (0...1).contains(confidence)
                else {
                    throw AutoLabelingError.malformedPredictions(
                        model: name, line: number + 1, reason: "an annotation needs a \"name\" and a \"confidence\" in [0, 1]")
                }
                guard labelNames.contains(label) else { continue }
                var box: BoundingBox?
                if let property = annotation["property"] as? [String: Any],
                    let points = property["@modelarts:feature"] as? [[NSNumber]], points.count == 2,
                    points[0].count == 2, points[1].count == 2
                {
                    box = BoundingBox(
                        x1: points[0][0].int32Value, y1: points[0][1].int32Value, x2: points[1][0].int32Value,
                        y2: points[1][1].int32Value)
                }
                predictions.append(ModelPrediction(name: label, confidence: confidence, box: box))
            }
            result[SampleID(id)] = predictions
        }
        return result
    }
}
