import ArgumentParser
import EventLog
import Foundation
import Projections

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum and the whole hash chain of the log.",
        discussion: """
            Reads every segment header and batch frame: both CRC-32Cs, LZ4 payloads, records, \
            positions and SHA-256 links across segments, then compares the end of the log with \
            its index. Never writes. Exit status 0 when clean; 1 with the first bad position \
            otherwise. When projections exist and the log is not held by another process, also \
            compares each projection's digest with a fresh replay up to its checkpoint (exit 1 on \
            a mismatch, naming the first differing row).
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        let report: VerificationReport
        do {
            report = try EventLog.verify(directory: data.logDirectory)
        } catch {
            throw ValidationError("\(error)")
        }
        if json {
            var object: [String: Any] = [
                "clean": report.isClean, "segments": report.segments, "frames": report.frames,
                "events": report.events, "verified_head": report.verifiedHead,
            ]
            if let problem = report.problem {
                object["problem"] = [
                    "kind": problem.kind.rawValue, "segment": problem.segment, "offset": problem.offset,
                    "position": problem.position, "reason": problem.reason,
                ]
            }
            let bytes = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: bytes, as: UTF8.self))
        } else {
            print("segments: \(report.segments)  frames: \(report.frames)  events: \(report.events)  verified head: \(report.verifiedHead)")
            if let problem = report.problem {
                print("FAILED: \(problem)")
            } else {
                print("log OK: every checksum and the whole hash chain hold")
            }
        }
        if !report.isClean { throw ExitCode(1) }
        if try !verifyProjections() { throw ExitCode(1) }
    }

    /// Digests of the live projections against a fresh replay; true when they match or
    /// there is nothing to compare.
    private func verifyProjections() throws -> Bool {
        guard ProjectionStore.exists(directory: data.projectionDirectory) else { return true }
        guard let log = try? EventLog.open(directory: data.logDirectory) else {
            if !json { print("projections: not compared (the log is held by another process)") }
            return true
        }
        let store = try ProjectionStore.open(directory: data.projectionDirectory, removeStaleFiles: false)
        let scratch = data.url.appendingPathComponent(".verify-\(ProcessInfo.processInfo.processIdentifier)")
        let results = try ReplayVerifier.verify(store: store, log: log, scratch: scratch)
        for result in results {
            if json {
                var object: [String: Any] = [
                    "projection": result.kind.rawValue, "checkpoint": result.checkpoint, "digest": result.liveDigest,
                    "matches": result.matches,
                ]
                if let difference = result.firstDifference { object["first_difference"] = difference }
                let bytes = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: bytes, as: UTF8.self))
            } else if result.matches {
                print("projection \(result.kind) OK at position \(result.checkpoint): digest \(result.liveDigest)")
            } else {
                print("FAILED: projection \(result.kind) at position \(result.checkpoint) differs from a fresh replay: \(result.firstDifference ?? "digests differ")")
            }
        }
        return results.allSatisfy(\.matches)
    }
}
