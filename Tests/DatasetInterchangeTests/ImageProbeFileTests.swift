import DatasetInterchange
import Foundation
import Testing
import TestSupport

/// `ImageProbe.probe(fileAt:)` reads a file in chunks and its header by seeking: the same
/// answer as probing the bytes in memory, whatever the file's size.
@Suite struct ImageProbeFileTests {
    /// A JPEG whose frame header (`SOF0`, `width × height`) follows `metadataBytes` of
    /// application segments, as cameras write them.
    static func jpeg(width: UInt16, height: UInt16, metadataBytes: Int) -> Data {
        var bytes: [UInt8] = [0xFF, 0xD8]
        var left = metadataBytes
        while left > 0 {
            let body = min(left, 65_000)
            bytes += [0xFF, 0xE1, UInt8((body + 2) >> 8), UInt8((body + 2) & 0xFF)] + [UInt8](repeating: 0x41, count: body)
            left -= body
        }
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 0x03]
        bytes += [0x01, 0x11, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9]
        return Data(bytes)
    }

    @Test func a_file_probes_as_its_bytes_do_with_the_frame_header_past_the_first_chunk() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let images = [
            ("a.png", TestPNG.pattern(width: 9, height: 7, seed: 2)),
            ("b.jpg", Self.jpeg(width: 640, height: 480, metadataBytes: 3 << 20)),
        ]
        for (name, bytes) in images {
            try bytes.write(to: directory.file(name))
            let fromFile = try #require(ImageProbe.probe(fileAt: directory.file(name)))
            #expect(fromFile == ImageProbe.probe(bytes), "same size, channels and SHA-256")
        }
        #expect(ImageProbe.probe(fileAt: directory.file("b.jpg"))?.width == 640)
    }

    @Test func a_file_over_the_byte_limit_probes_as_nothing() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let bytes = TestPNG.pattern(width: 9, height: 7, seed: 2)
        try bytes.write(to: directory.file("a.png"))
        #expect(ImageProbe.probe(fileAt: directory.file("a.png"), maxBytes: bytes.count - 1) == nil)
        #expect(ImageProbe.fileSize(at: directory.file("a.png")) == bytes.count)
        #expect(ImageProbe.fileSize(at: directory.url) == nil, "a directory is no image file")
    }
}
