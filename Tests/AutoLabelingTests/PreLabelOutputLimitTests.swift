import Foundation
@testable import LabelingDomain
import Testing
import TestSupport
@testable import AutoLabeling

/// A model's predictions manifest larger than `ExternalModelRunner.maximumOutputBytes` fails
/// the task with the malformed-predictions code before anything of it is read (it would be
/// read whole), whatever it holds; one at the limit is read.
@Suite struct PreLabelOutputLimitTests {
    let runner = ExternalModelRunner(model: ModelRegistryState.Model(
        ref: ModelRef(name: "m", version: "1"), type: .imageClassification, commandLine: ["/bin/false"],
        timeoutSeconds: 1, registeredBy: "test", registeredAt: Instant(microsecondsSince1970: 0)))

    /// A file starting with one valid prediction line, grown to `size` bytes (if larger) by
    /// a hole: sparse, it costs no disk.
    func output(size: Int, in dir: TemporaryDirectory) throws -> URL {
        let url = dir.url.appendingPathComponent("output.manifest")
        let line = Data(#"{"id":"s1","annotation":[{"name":"cat","confidence":0.5}]}"#.utf8 + [0x0A])
        try line.write(to: url)
        if size > line.count {
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(size))
            try handle.close()
        }
        return url
    }

    @Test func an_output_over_the_limit_fails_with_the_malformed_predictions_code() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let url = try output(size: ExternalModelRunner.maximumOutputBytes + 1, in: dir)
        do {
            _ = try runner.parse(url, labelNames: ["cat"])
            Issue.record("an over-limit predictions manifest was read")
        } catch let error as AutoLabelingError {
            #expect(error.code == "LabelLedger.AutoLabel.034")
            #expect("\(error)".contains("more than the limit"), "\(error)")
        }
    }

    @Test func a_small_output_is_read() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let url = try output(size: 0, in: dir)
        let predictions = try runner.parse(url, labelNames: ["cat"])
        #expect(predictions[SampleID("s1")]?.map { $0.name } == ["cat"])
    }
}
