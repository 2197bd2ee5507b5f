import CZlib
import Foundation

/// The repository's own test data, `Tests/Data/` (provenance and licences in its README):
/// real data nobody on the project made, committed so that a fresh clone runs every test
/// with nothing beside it. `LABELLEDGER_TEST_DATA=DIR` points at another folder holding
/// the same file names (`Tools/check-coco` and the `Tools/eval` scripts honour it too).
public enum TestData {
    /// The folder holding `digits.csv.gz`, `SOAP_061.png` and `SOAP_061.xml`.
    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["LABELLEDGER_TEST_DATA"] { return URL(fileURLWithPath: path) }
        return repositoryRoot.appendingPathComponent("Tests/Data")
    }

    /// The repository this file was compiled from.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// One row of `digits.csv.gz`: an 8×8 image and its class.
    public struct Digit: Sendable {
        /// 64 ink intensities 0–16, row-major (0 is blank paper).
        public var intensities: [UInt8]
        /// 0–9.
        public var label: Int
    }

    /// A file of the test data that is missing or unreadable, named with its path.
    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every row of `digits.csv.gz` (scikit-learn's handwritten digits), in file order;
    /// throws, naming the file, when it is missing or not the expected 1 797 rows of 65 values.
    public static func digits() throws -> [Digit] {
        let path = directory.appendingPathComponent("digits.csv.gz").path
        guard let compressed = FileManager.default.contents(atPath: path), let bytes = gunzip(compressed) else {
            throw Unreadable(description: "\(path): missing or not gzip data")
        }
        let rows = String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line -> Digit? in
            let values = line.split(separator: ",").compactMap { UInt8($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 65, values.dropLast().allSatisfy({ $0 <= 16 }), values[64] <= 9 else { return nil }
            return Digit(intensities: Array(values.prefix(64)), label: Int(values[64]))
        }
        guard rows.count == 1797 else { throw Unreadable(description: "\(path): \(rows.count) valid rows, not 1797") }
        return rows
    }

    /// The whole content of gzip data, inflated in process (zlib); nil when it is not
    /// complete, valid gzip data.
    static func gunzip(_ data: Data) -> Data? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var input = [UInt8](data), result = Data(), buffer = [UInt8](repeating: 0, count: 1 << 16)
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while status == Z_OK {
                buffer.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    result.append(target.baseAddress!, count: target.count - Int(stream.avail_out))
                }
            }
        }
        return status == Z_STREAM_END ? result : nil
    }
}
