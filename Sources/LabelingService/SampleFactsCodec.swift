import Foundation
import LabelingDomain

/// Turns the ``SampleFacts`` of a dataset into bytes and back, for dataset snapshots.
///
/// Layout (little-endian), columnar so that decoding is a few linear passes: `count`
/// (UInt32); the actor table (UInt32 count, then strings); then per sample, in one order:
/// ids, source paths, content hashes (strings: UInt32 length + UTF-8), seq (Int64),
/// labels-at (Int64 microseconds), last position (UInt64), last actor (UInt32 index into
/// the table), usage (UInt8, 0: none, else ``SampleUsage`` raw value).
///
/// Invariant: `decode(encode(facts)) == facts`; decoding bytes it did not write throws
/// ``SampleFactsCodec/Malformed`` (never traps), whatever they hold.
public enum SampleFactsCodec {
    /// The layout this build writes and reads; change it with the layout.
    public static let formatVersion: UInt32 = 1

    public struct Malformed: Error, Equatable {
        public var reason: String
    }

    public static func encode(_ facts: [SampleID: SampleFacts]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(facts.count * 120)
        func int<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ value: String) {
            var value = value
            value.withUTF8 { bytes in
                int(UInt32(bytes.count))
                out.append(contentsOf: bytes)
            }
        }
        let entries = Array(facts)
        var actorIndex: [String: UInt32] = [:]
        var actors: [String] = []
        var actorColumn: [UInt32] = []
        actorColumn.reserveCapacity(entries.count)
        for (_, fact) in entries {
            if let index = actorIndex[fact.lastActor] {
                actorColumn.append(index)
            } else {
                let index = UInt32(actors.count)
                actors.append(fact.lastActor)
                actorIndex[fact.lastActor] = index
                actorColumn.append(index)
            }
        }
        int(UInt32(entries.count))
        int(UInt32(actors.count))
        for actor in actors { string(actor) }
        for (id, _) in entries { string(id.rawValue) }
        for (_, fact) in entries { string(fact.sourcePath) }
        for (_, fact) in entries { string(fact.contentSHA256) }
        for (_, fact) in entries { int(fact.seq) }
        for (_, fact) in entries { int(fact.labelsAt.microsecondsSince1970) }
        for (_, fact) in entries { int(fact.lastPosition) }
        for index in actorColumn { int(index) }
        for (_, fact) in entries { out.append(UInt8(fact.usage?.rawValue ?? 0)) }
        return out
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(Malformed) -> [SampleID: SampleFacts] {
        var reader = Reader(bytes: bytes)
        let count = Int(try reader.int(UInt32.self))
        // Every sample takes at least 3 string lengths and 29 bytes of fixed columns.
        guard count <= bytes.count / 41 else { throw Malformed(reason: "\(count) samples cannot fit in \(bytes.count) bytes") }
        let actorCount = Int(try reader.int(UInt32.self))
        guard actorCount <= bytes.count / 4 else { throw Malformed(reason: "\(actorCount) actors cannot fit") }
        var actors: [String] = []
        actors.reserveCapacity(actorCount)
        for _ in 0..<actorCount { actors.append(try reader.string()) }
        var ids: [String] = [], sources: [String] = [], hashes: [String] = []
        ids.reserveCapacity(count)
        sources.reserveCapacity(count)
        hashes.reserveCapacity(count)
        for _ in 0..<count { ids.append(try reader.string()) }
        for _ in 0..<count { sources.append(try reader.string()) }
        for _ in 0..<count { hashes.append(try reader.string()) }
        let seqs = try reader.column(Int64.self, count)
        let labelTimes = try reader.column(Int64.self, count)
        let positions = try reader.column(UInt64.self, count)
        let actorIndexes = try reader.column(UInt32.self, count)
        let usages = try reader.column(UInt8.self, count)
        guard reader.offset == bytes.count else { throw Malformed(reason: "\(bytes.count - reader.offset) bytes left over") }
        var facts: [SampleID: SampleFacts] = [:]
        facts.reserveCapacity(count)
        for i in 0..<count {
            guard Int(actorIndexes[i]) < actors.count else { throw Malformed(reason: "actor index \(actorIndexes[i]) out of range") }
            let usage: SampleUsage?
            if usages[i] == 0 {
                usage = nil
            } else {
                guard let known = SampleUsage(rawValue: Int(usages[i])) else { throw Malformed(reason: "usage \(usages[i])") }
                usage = known
            }
            let id = SampleID(ids[i])
            guard facts.updateValue(SampleFacts(
                seq: seqs[i], sourcePath: sources[i], contentSHA256: hashes[i], usage: usage,
                labelsAt: Instant(microsecondsSince1970: labelTimes[i]), lastPosition: positions[i],
                lastActor: actors[Int(actorIndexes[i])]), forKey: id) == nil
            else { throw Malformed(reason: "sample \(id) twice") }
        }
        return facts
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func int<T: FixedWidthInteger>(_: T.Type) throws(Malformed) -> T {
            let size = MemoryLayout<T>.size
            guard bytes.count - offset >= size else { throw Malformed(reason: "truncated at byte \(offset)") }
            defer { offset += size }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }

        mutating func string() throws(Malformed) -> String {
            let length = Int(try int(UInt32.self))
            guard bytes.count - offset >= length else { throw Malformed(reason: "string of \(length) bytes truncated at \(offset)") }
            defer { offset += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
        }

        mutating func column<T: FixedWidthInteger>(_: T.Type, _ count: Int) throws(Malformed) -> [T] {
            let size = MemoryLayout<T>.size
            guard (bytes.count - offset) / size >= count else { throw Malformed(reason: "column truncated at byte \(offset)") }
            defer { offset += size * count }
            let base = offset
            return (0..<count).map { T(littleEndian: bytes.loadUnaligned(fromByteOffset: base + $0 * size, as: T.self)) }
        }
    }
}
