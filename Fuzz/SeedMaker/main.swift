// Writes the seed corpora of the fuzz targets from the golden files (Snapshots/, Tests/Data)
// and the product's own encoders, so that every seed is a real input: run by
// `Tools/fuzz --make-seeds` (the corpora are committed; rerun when a format changes).
//
// Built like the fuzz targets (through libFuzzer's driver, `fuzzMain`), so it does its work in
// LLVMFuzzerInitialize and exits: run from the repository root.
@testable import AutoLabeling
@testable import EventLog
import Foundation
import FuzzSupport
import LabelingDomain
@testable import Projections

@_cdecl("LLVMFuzzerInitialize")
public func makeSeeds(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let fuzz = root.appendingPathComponent("Fuzz")

    func seed(_ target: String, _ name: String, _ bytes: some DataProtocol) {
        let directory = fuzz.appendingPathComponent(target).appendingPathComponent("corpus")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try! Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    func file(_ path: String) -> Data { try! Data(contentsOf: root.appendingPathComponent(path)) }

    // MARK: - Log segments, events, snapshots, stored labels (from the golden logs)

    let eventTypes = DomainEvent.currentSchemaVersions.keys.sorted()
    var seenTypes: [String: Int] = [:]
    for golden in ["digits-detection", "digits-classification"] {
        let segment = file("Snapshots/projections/\(golden)/log/00000000000000000001.seg")
        seed("FuzzLogSegment", "\(golden)-raw", [0] + segment)
        seed("FuzzLogSegment", "\(golden)-repaired", [1] + segment)
        // Uncompressed payloads (mode 3): the frames of the golden log, decompressed.
        var plain: [UInt8] = [3] + segment.prefix(64)
        var offset = 64
        let bytes = [UInt8](segment)
        while offset + 80 <= bytes.count {
            let header = Array(bytes[offset..<offset + 80])
            let read32 = { (at: Int) in (0..<4).reduce(UInt32(0)) { $0 | UInt32(header[at + $1]) << (8 * $1) } }
            let uncompressed = Int(read32(20)), compressed = Int(read32(24))
            let payload = bytes[(offset + 80)..<(offset + 80 + compressed)]
            let raw = payload.withUnsafeBytes { LZ4Codec.decompress($0, uncompressedLength: uncompressed)! }
            plain += header + raw
            offset += 80 + compressed
        }
        seed("FuzzLogSegment", "\(golden)-uncompressed", plain)

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("seedmaker-\(getpid())-\(golden)")
        try? FileManager.default.removeItem(at: scratch)
        try! FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try! segment.write(to: scratch.appendingPathComponent("00000000000000000001.seg"))
        let log = try! EventLog.open(directory: scratch)
        var states: [String: DatasetState] = [:]
        for recorded in try! log.read(from: 1) {
            let event = try! DomainEvent.decode(type: recorded.type, schemaVersion: recorded.schemaVersion, payload: recorded.payload)
            if seenTypes[recorded.type, default: 0] < 2, let index = eventTypes.firstIndex(of: recorded.type) {
                seenTypes[recorded.type, default: 0] += 1
                seed("FuzzDomainEvent", "\(recorded.type)-\(seenTypes[recorded.type]!)",
                     [UInt8(index), UInt8(recorded.schemaVersion)] + recorded.payload)
            }
            if case .datasetCreated = event { states[recorded.streamID] = DatasetState() }
            if states[recorded.streamID] != nil { evolve(&states[recorded.streamID]!, event) }
        }
        try! FileManager.default.removeItem(at: scratch)
        for (i, state) in states.values.enumerated() {
            seed("FuzzDatasetSnapshot", "\(golden)-\(i)", DatasetSnapshotCodec.encode(state))
            var written = 0
            for sample in state.samples.values where !sample.labels.isEmpty && written < 3 {
                let labels = StoredLabels.json(sample.labels)
                seed("FuzzStoredLabels", "\(golden)-\(i)-\(written)", Data(labels.utf8))
                seed("FuzzStoredLabels", "\(golden)-\(i)-\(written)-index",
                     Data(StoredLabels.index(StoredLabels.counts(sample.labels)).utf8))
                written += 1
            }
        }
    }
    seed("FuzzStoredLabels", "decoder-form", Data(#"[ {"name": "cat", "box": [1, 2, 3, 4], "score": 0.5, "by": "pre-label:m:1"} ]"#.utf8))

    // MARK: - Cursors

    seed("FuzzSampleCursor", "asc", Data(SampleCursor(sortKey: 12_345, order: .asc).token.utf8))
    seed("FuzzSampleCursor", "desc", Data(SampleCursor(sortKey: -1, order: .desc).token.utf8))

    // MARK: - Manifests, Pascal VOC, folders

    seed("FuzzManifest", "classification", file("Snapshots/interchange/classification.manifest"))
    seed("FuzzManifest", "detection", file("Snapshots/interchange/detection.manifest"))
    seed("FuzzManifest", "local-files", Data("""
        {"source":"a.png","annotation":[{"type":"modelarts/image_classification","name":"cat","annotated-by":"human"}]}
        {"source":"a.png","annotation":[{"type":"modelarts/object_detection","annotation-loc":"a.xml","annotation-format":"PASCAL VOC","annotated-by":"modelarts/auto","confidence":0.5}],"hard":"true","hard-coefficient":0.25,"usage":"TRAIN","creation-time":"2024-01-02 03:04:05"}

        """.utf8))
    seed("FuzzPascalVOC", "detection-tile2", file("Snapshots/interchange/detection-tile2.xml"))
    seed("FuzzPascalVOC", "SOAP_061", file("Tests/Data/SOAP_061.xml"))

    let png = try! PNGCodec.encode(pixels: [0, 128, 128, 255], width: 2, height: 2, channels: 1)
    let voc = Data("""
        <annotation><filename>c.png</filename><size><width>2</width><height>2</height><depth>1</depth></size>\
        <object><name>cat</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>1</xmax><ymax>1</ymax></bndbox></object>\
        </annotation>
        """.utf8)
    var folder = Data()
    for (path, content) in [("cat/a.png", png), ("b.png", png), ("b.txt", Data("cat\ndog\n".utf8)), ("c.png", png), ("c.xml", voc)] {
        folder += Data("\(path)\n".utf8) + content + Data([0])
    }
    seed("FuzzImageFolder", "mixed", folder)

    // MARK: - Images

    func pngSeed(_ name: String, channels: Int, width: Int, height: Int) {
        let pixels = (0..<(width * height * channels)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let bytes = try! PNGCodec.encode(pixels: pixels, width: width, height: height, channels: channels)
        seed("FuzzImageProbe", name, bytes)
        seed("FuzzImageDecoder", name, bytes)
    }
    pngSeed("grey-3x2.png", channels: 1, width: 3, height: 2)
    pngSeed("rgb-4x4.png", channels: 3, width: 4, height: 4)
    pngSeed("rgba-5x3.png", channels: 4, width: 5, height: 3)
    let rgb = (0..<(8 * 8 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 11) }
    let jpeg = try! JPEGCodec.encode(pixels: rgb, width: 8, height: 8, channels: 3)
    seed("FuzzImageProbe", "rgb-8x8.jpg", jpeg)
    seed("FuzzImageDecoder", "rgb-8x8.jpg", jpeg)
    // An image bomb: a valid PNG header claiming 100,000 × 100,000 pixels.
    var bomb = [UInt8](png)
    for (i, byte) in [UInt8(0), 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0].enumerated() { bomb[16 + i] = byte }
    let ihdrCRC = crc32(bomb[12..<29])
    for i in 0..<4 { bomb[29 + i] = UInt8(truncatingIfNeeded: ihdrCRC >> (24 - 8 * i)) }
    seed("FuzzImageProbe", "bomb-100000x100000.png", bomb)
    seed("FuzzImageDecoder", "bomb-100000x100000.png", bomb)

    /// PNG's chunk CRC (ISO 3309).
    func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    // MARK: - Pre-label model output

    seed("FuzzPreLabelOutput", "predictions", Data("""
        {"id":"s1","annotation":[{"name":"cat","confidence":0.9},{"name":"dog","confidence":0.1}]}
        {"id":"s2","annotation":[{"name":"1","confidence":0.75,"property":{"@modelarts:feature":[[1,2],[30,40]]}}]}
        {"id":"s3","annotation":[]}

        """.utf8))
    print("seeds written under \(fuzz.path)")
    exit(0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func noInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt { 0 }

fuzzMain(noInput)
