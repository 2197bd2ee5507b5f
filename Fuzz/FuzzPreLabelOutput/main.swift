// Fuzzes the reading of a pre-label model's output (its predictions manifest).
@testable import AutoLabeling
import Foundation
import FuzzSupport
@testable import LabelingDomain

let runner = ExternalModelRunner(model: ModelRegistryState.Model(
    ref: ModelRef(name: "fuzz", version: "1"), type: .objectDetection, commandLine: ["/bin/false"],
    timeoutSeconds: 1, registeredBy: "fuzz", registeredAt: Instant(microsecondsSince1970: 0)))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPreLabelOutput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let file = ScratchDirectory.shared.fresh().appendingPathComponent("predictions.manifest")
    ScratchDirectory.shared.write(UnsafeRawBufferPointer(start: start, count: count), to: file)
    guard let predictions = try? runner.parse(file, labelNames: ["cat", "dog", "1", "2"]) else { return 0 }
    for prediction in predictions.values.joined() {
        precondition((0...1).contains(prediction.confidence), "confidence \(prediction.confidence) outside [0, 1]")
    }
    return 0
}

fuzzMain(fuzzPreLabelOutput)
