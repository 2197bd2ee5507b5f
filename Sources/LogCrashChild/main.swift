import EventLog
import Foundation

// Crash-test child: appends to the log in DIR from several concurrent tasks until it is
// killed, printing "ACK <position> <stream> <version> <payload-hex-prefix>" after each
// acknowledged append (stdout unbuffered). The parent kills it at random and checks.
//
// usage: LogCrashChild DIR SEED [fsync|none] [segment-bytes]
let arguments = CommandLine.arguments
guard arguments.count >= 3, let seed = UInt64(arguments[2]) else {
    FileHandle.standardError.write("usage: LogCrashChild DIR SEED [fsync|none] [segment-bytes]\n".data(using: .utf8)!)
    exit(2)
}
/// Writes one line straight to file descriptor 1 (no buffering: a line printed is a line the parent sees).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
let policy: DurabilityPolicy = arguments.count > 3 && arguments[3] == "none" ? .none : .fsync
let segmentBytes = arguments.count > 4 ? UInt64(arguments[4]) ?? (1 << 16) : 1 << 16
let log: EventLog
do {
    log = try EventLog.open(
        directory: URL(fileURLWithPath: arguments[1]),
        configuration: EventLogConfiguration(durability: policy, segmentSizeLimit: segmentBytes))
} catch {
    emit("OPEN-FAILED \(error)")
    exit(3)
}
emit("OPENED \(log.head)")

/// The payload of the n-th event of a writer: deterministic, so the parent can check it.
func payload(writer: Int, n: Int, seed: UInt64) -> Data {
    var generator = seed &+ UInt64(writer) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(n)
    var bytes: [UInt8] = []
    let count = 16 + Int(generator % 400)
    for _ in 0..<count {
        generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes.append(UInt8(truncatingIfNeeded: generator >> 33))
    }
    return Data(bytes)
}

await withTaskGroup(of: Void.self) { group in
    for writer in 0..<4 {
        group.addTask {
            var n = 0
            while true {
                let count = 1 + n % 3
                let events = (0..<count).map { k in
                    ProposedEvent(type: "Crash", payload: payload(writer: writer, n: n * 3 + k, seed: seed), actor: "w\(writer)")
                }
                do {
                    let stream = "stream-\(writer)"
                    let result = try await log.append(stream: stream, events: events, commandID: "s\(seed)-w\(writer)-n\(n)")
                    for k in 0..<count {
                        let digest = events[k].payload.prefix(8).map { String(format: "%02x", $0) }.joined()
                        emit("ACK \(result.firstPosition + UInt64(k)) \(stream) \(result.firstVersion + UInt64(k)) \(events[k].payload.count) \(digest)")
                    }
                } catch {
                    emit("APPEND-FAILED \(error)")
                    exit(4)
                }
                n += 1
            }
        }
    }
}
