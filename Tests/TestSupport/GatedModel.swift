import Foundation

/// A pre-label model command for tests that must catch a task while its model runs: each run
/// creates `started` in ``directory``, waits until `go` exists there, then predicts ``label``
/// with confidence 0.9 for every sample of the input manifest (see `PRELABEL.md`).
///
/// Nothing depends on timing: a test waits for ``waitUntilStarted(seconds:)`` (the model is
/// running), acts, and lets every run through with ``open()``.
public struct GatedModel: Sendable {
    public let directory: URL
    public let label: String

    public init(directory: URL, label: String) {
        self.directory = directory
        self.label = label
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    public var started: URL { directory.appendingPathComponent("started") }
    public var go: URL { directory.appendingPathComponent("go") }
    /// Written before `started`: the process id of the process that ran the model (the
    /// command's parent), for tests that must know which of several servers runs it.
    public var parent: URL { directory.appendingPathComponent("parent") }

    /// The process id in ``parent``, once a run has started.
    public var parentPID: Int32? {
        (try? String(contentsOf: parent, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The registered command line (`sh -c`; the runner appends the input and output manifests).
    public var commandLine: [String] {
        let predict = #"s/^\{"id":"([^"]*)".*$/{"id":"\1","annotation":[{"name":"LABEL","confidence":0.9}]}/"#
            .replacingOccurrences(of: "LABEL", with: label)
        let script = """
            echo $PPID > '\(parent.path)'; touch '\(started.path)'; while [ ! -e '\(go.path)' ]; do sleep 0.02; done; sed -E '\(predict)' "$1" > "$2"
            """
        return ["/bin/sh", "-c", script, "sh"]
    }

    /// Waits until a run of the model has started (at most `seconds`).
    public func waitUntilStarted(seconds: Double = 60) async throws {
        do {
            try await Self.waitForFile(started, seconds: seconds)
        } catch is DeadlineExceeded {
            throw GatedModelError.notStarted(seconds: seconds)
        }
    }

    /// Waits until a child process has created `file` (at most `seconds`). A child process
    /// signals through the file system; the check repeats every 10 ms until the deadline.
    public static func waitForFile(_ file: URL, seconds: Double) async throws {
        try await withDeadline(seconds, waitingFor: "\(file.lastPathComponent) to appear") {
            while !FileManager.default.fileExists(atPath: file.path) {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Lets every present and future run of the model finish.
    public func open() {
        FileManager.default.createFile(atPath: go.path, contents: Data())
    }
}

public enum GatedModelError: Error, CustomStringConvertible {
    case notStarted(seconds: Double)

    public var description: String {
        switch self {
        case .notStarted(let seconds): "the gated model did not start within \(seconds) s"
        }
    }
}
