#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import EventLog
import Foundation
import LabelLedgerCommandLine
import Projections

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum and the whole hash chain of the log.",
        discussion: """
            Reads every segment header and batch frame: both CRC-32Cs, LZ4 payloads, records, \
            positions and SHA-256 links across segments, then compares the end of the log with \
            its index, and the last frame with the head anchored in the index. Never writes to \
            the data directory: everything is opened read-only. Exit status 0 when clean; 1 with \
            the first bad position otherwise. When projections exist and the log is not held by \
            another process, also compares each projection's digest with a fresh replay up to its \
            checkpoint, built under --scratch (exit 1 on a mismatch, naming the first differing row).
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Where the fresh replay of the projections is built and then removed (default: the system's temporary directory).")
    var scratch: String?

    func run() throws {
        let report: VerificationReport
        do {
            report = try EventLog.verify(directory: data.logDirectory)
        } catch {
            throw CommandFailure("\(error)")
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
    ///
    /// Writes nothing to the data directory: the log, its index and the projections are
    /// opened read-only, and a shared lock on `LOCK` keeps a writer from starting meanwhile
    /// (when a writer holds it, nothing is compared). The replay is built under `--scratch`.
    private func verifyProjections() throws -> Bool {
        guard ProjectionStore.exists(directory: data.projectionDirectory) else { return true }
        let lock = Glibc.open(data.directory.logLock.path, O_RDONLY | O_CLOEXEC)
        defer { if lock >= 0 { Glibc.close(lock) } }
        guard lock < 0 || flock(lock, LOCK_SH | LOCK_NB) == 0 else {
            if !json { print("projections: not compared (the log is held by another process)") }
            return true
        }
        let log: EventLog
        let store: ProjectionStore
        do {
            log = try EventLog.openReadOnly(directory: data.logDirectory)
            store = try ProjectionStore.openReadOnly(directory: data.projectionDirectory)
        } catch let error as ProjectionError {
            if !json { print("projections: not compared (\(error.message))") }
            return true
        } catch {
            throw CommandFailure("\(error)")
        }
        let base = scratch.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let scratch = base.appendingPathComponent("labelledger-verify-\(ProcessInfo.processInfo.processIdentifier)")
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
