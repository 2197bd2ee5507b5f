import ArgumentParser
import EventLog
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum and the whole hash chain of the log.",
        discussion: """
            Reads every segment header and batch frame: both CRC-32Cs, LZ4 payloads, records, \
            positions and SHA-256 links across segments, then compares the end of the log with \
            its index. Never writes. Exit status 0 when clean; 1 with the first bad position \
            otherwise.
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
    }
}
