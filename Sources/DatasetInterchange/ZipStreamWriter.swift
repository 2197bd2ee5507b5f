import Foundation

/// Writes an export of several files (Pascal VOC; a detection manifest with its annotation
/// files) as one ZIP archive, streamed: each file's bytes go out as they are written, its
/// size and CRC-32 follow it in a data descriptor, and the central directory ends the
/// archive.
///
/// The archive (PKWARE APPNOTE 6.3): entries are stored (method 0, no compression: the
/// same bytes as the folder export, and nothing to tune); names are UTF-8 (flag bit 11);
/// every entry carries the same fixed time, 1980-01-01 00:00, so the same export is the
/// same archive byte for byte. ZIP64 records are written where a count or an offset needs
/// them (more than 65,534 files, or an archive past 4 GiB); one file of 4 GiB or more is
/// refused (`LabelLedger.Export.021`): no export holds such a file short of a manifest of
/// millions of long lines.
///
/// Memory: one chunk (``ExportByteBuffer``) plus the central directory, which names every
/// file (about 60 bytes and the name per file) — proportional to the number of files, as
/// the dataset itself is.
public final class ZipStreamWriter: ExportOutput {
    private struct Entry {
        var name: [UInt8]
        var offset: UInt64
        var crc: UInt32
        var size: UInt64
    }

    private var buffer: ExportByteBuffer
    private var entries: [Entry] = []
    private var open: Entry?
    private var crc = CRC32()
    private var finished = false

    public init(_ sink: @escaping ExportByteSink) {
        buffer = ExportByteBuffer(sink)
    }

    /// Bytes in the archive so far.
    private var offset: UInt64 { buffer.count }

    public func startFile(_ path: String) throws(InterchangeError) {
        try closeEntry()
        let name = Array(path.utf8)
        guard name.count <= Int(UInt16.max) else {
            throw .unsupportedFormat(format: "zip", reason: "a file name of \(name.count) bytes is longer than a ZIP entry's 65,535")
        }
        let entry = Entry(name: name, offset: offset, crc: 0, size: 0)
        var header = ZipBytes()
        header.u32(0x0403_4b50)
        header.u16(Self.versionNeeded(entry))
        header.u16(Self.flags)
        header.u16(0)  // stored
        header.u16(Self.dosTime)
        header.u16(Self.dosDate)
        header.u32(0)  // CRC-32, compressed and uncompressed sizes: in the data descriptor
        header.u32(0)
        header.u32(0)
        header.u16(UInt16(name.count))
        header.u16(0)
        header.bytes.append(contentsOf: name)
        try buffer.append(header.bytes)
        open = entry
        crc = CRC32()
    }

    public func write(_ text: String) throws(InterchangeError) {
        guard open != nil else { preconditionFailure("ZipStreamWriter.write before startFile") }
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { crc.update($0) }
        open!.size += UInt64(bytes.count)
        try buffer.append(bytes)
    }

    public func replaceFolder(_ path: String) throws(InterchangeError) {}

    public func finish() throws(InterchangeError) {
        guard !finished else { return }
        finished = true
        try closeEntry()
        let directoryOffset = offset
        for entry in entries {
            var record = ZipBytes()
            let needs64 = entry.offset >= 0xFFFF_FFFF
            record.u32(0x0201_4b50)
            record.u16(0x0300 | 45)  // made by: Unix, APPNOTE 4.5
            record.u16(Self.versionNeeded(entry))
            record.u16(Self.flags)
            record.u16(0)
            record.u16(Self.dosTime)
            record.u16(Self.dosDate)
            record.u32(entry.crc)
            record.u32(UInt32(entry.size))
            record.u32(UInt32(entry.size))
            record.u16(UInt16(entry.name.count))
            record.u16(needs64 ? 12 : 0)
            record.u16(0)  // comment
            record.u16(0)  // disk
            record.u16(0)  // internal attributes
            record.u32(0o100644 << 16)  // a regular file, rw-r--r--
            record.u32(needs64 ? 0xFFFF_FFFF : UInt32(entry.offset))
            record.bytes.append(contentsOf: entry.name)
            if needs64 {
                record.u16(0x0001)  // ZIP64 extended information: the local header's offset
                record.u16(8)
                record.u64(entry.offset)
            }
            try buffer.append(record.bytes)
        }
        let directorySize = offset - directoryOffset
        var end = ZipBytes()
        let count = UInt64(entries.count)
        if count >= 0xFFFF || directoryOffset >= 0xFFFF_FFFF || directorySize >= 0xFFFF_FFFF {
            let zip64End = offset
            end.u32(0x0606_4b50)
            end.u64(44)
            end.u16(0x0300 | 45)
            end.u16(45)
            end.u32(0)
            end.u32(0)
            end.u64(count)
            end.u64(count)
            end.u64(directorySize)
            end.u64(directoryOffset)
            end.u32(0x0706_4b50)
            end.u32(0)
            end.u64(zip64End)
            end.u32(1)
        }
        end.u32(0x0605_4b50)
        end.u16(0)
        end.u16(0)
        end.u16(UInt16(min(count, 0xFFFF)))
        end.u16(UInt16(min(count, 0xFFFF)))
        end.u32(UInt32(min(directorySize, 0xFFFF_FFFF)))
        end.u32(UInt32(min(directoryOffset, 0xFFFF_FFFF)))
        end.u16(0)
        try buffer.append(end.bytes)
        try buffer.flush()
    }

    public func location(of path: String) -> String { path }

    /// Ends the open entry with its data descriptor.
    private func closeEntry() throws(InterchangeError) {
        guard var entry = open else { return }
        open = nil
        guard entry.size < 0xFFFF_FFFF else {
            throw .archiveEntryTooLarge(path: String(decoding: entry.name, as: UTF8.self), bytes: entry.size)
        }
        entry.crc = crc.value
        var descriptor = ZipBytes()
        descriptor.u32(0x0807_4b50)
        descriptor.u32(entry.crc)
        descriptor.u32(UInt32(entry.size))
        descriptor.u32(UInt32(entry.size))
        try buffer.append(descriptor.bytes)
        entries.append(entry)
    }

    /// Sizes and CRC in a data descriptor (bit 3), UTF-8 names (bit 11).
    private static let flags: UInt16 = 0x0008 | 0x0800
    private static let dosTime: UInt16 = 0
    /// 1980-01-01: (year - 1980) << 9 | month << 5 | day.
    private static let dosDate: UInt16 = 1 << 5 | 1

    private static func versionNeeded(_ entry: Entry) -> UInt16 {
        entry.offset >= 0xFFFF_FFFF ? 45 : 20
    }
}

/// Little-endian fields of a ZIP record.
private struct ZipBytes {
    var bytes: [UInt8] = []

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

/// CRC-32 (ISO-HDLC, the polynomial ZIP and gzip use; reflected 0xEDB88320), table-driven.
struct CRC32 {
    private(set) var value: UInt32 = 0

    private static let table: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        var c = ~value
        Self.table.withUnsafeBufferPointer { table in
            for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        }
        value = ~c
    }
}
