import Foundation
import Hummingbird
import NIOCore

/// The API's one JSON writer: every JSON body the server sends — answers, errors, the
/// event stream's `data:` lines, the admin progress lines — is written here, so that one
/// value is spelled the same way wherever it appears.
///
/// ```swift
/// var out = WireWriter()
/// out.object { object in
///     object.key("position"); object.out.appendUnsigned(42)
/// }
/// let body = try WireWriter.encode(TaskIDResponse(task_id: "t1"))   // a wire struct
/// ```
///
/// The conventions, kept by both of its doors (the hand-written hot path of the sample
/// tabs and ``encode(_:)`` for every other wire struct):
/// - object keys in byte order (the service's snake_case names, as the wire structs
///   declare them), whatever the struct's declaration order or a dictionary's hash order:
///   the same answer is the same bytes;
/// - strings are UTF-8 escaped per RFC 8259 (`"`, `\` and bytes below 0x20: `\n`, `\r`, `\t`,
///   `\b`, `\f`, the others `\u00XX`, as `JSONEncoder` writes them); `/` is not escaped;
/// - integers in full; other numbers in Swift's shortest round-trip form (`0.93`, `1e-05`),
///   an integral one without a fraction (`20`); scores and hard coefficients rounded to
///   ``decimals`` places; NaN and infinities, which JSON cannot hold, are `null`;
/// - times ISO 8601 in UTC with milliseconds (``time(_:)``), as the time filters accept them.
///
/// Non-copyable, over a buffer it owns: an append is a capacity check and a copy (a tab
/// page of 100 samples is some 2,000 appends).
struct WireWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Decimals of the scores and hard coefficients the API shows (rounded half away from
    /// zero; the log keeps full precision). A model's score is never 1 (see
    /// `ClassPrediction` in AutoLabeling), so rounded it is at most 0.999999.
    static let decimals = 6

    /// A copy of the text.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The text as a response body.
    var buffer: ByteBuffer { ByteBuffer(bytes: UnsafeBufferPointer(start: base, count: count)) }

    // MARK: - Raw appends

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func appendByte(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// An ASCII literal that already is JSON (punctuation, a quoted key).
    @inline(__always)
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { appendRaw($0) }
    }

    /// Bytes that already are JSON.
    @inline(__always)
    mutating func appendRaw(_ raw: UnsafeBufferPointer<UInt8>) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        reserve(raw.count)
        (base + count).initialize(from: source, count: raw.count)
        count += raw.count
    }

    mutating func appendRaw(_ raw: [UInt8]) {
        raw.withUnsafeBufferPointer { appendRaw($0) }
    }

    // MARK: - Values

    /// A quoted, escaped string. Clean text (the common case) is checked and copied in one pass.
    mutating func appendString(_ text: UnsafeBufferPointer<UInt8>) {
        reserve(text.count + 2)
        base[count] = UInt8(ascii: "\"")
        let start = count + 1
        var copied = 0
        if let source = text.baseAddress {
            let target = base + start
            while copied < text.count {
                let byte = source[copied]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                target[copied] = byte
                copied += 1
            }
        }
        count = start + copied
        if copied < text.count {
            for byte in UnsafeBufferPointer(rebasing: text[copied...]) { appendEscaped(byte) }
        }
        appendByte(UInt8(ascii: "\""))
    }

    mutating func appendString(_ text: String) {
        var text = text
        text.withUTF8 { appendString($0) }
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        // As JSONEncoder spells them, so both doors write the same bytes.
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            append("\\u00")
            hex.withUTF8Buffer { digits in
                appendByte(digits[Int(byte >> 4)])
                appendByte(digits[Int(byte & 0xF)])
            }
        default: appendByte(byte)
        }
    }

    mutating func appendInt(_ value: Int64) {
        if value < 0 {
            appendByte(UInt8(ascii: "-"))
            // -(Int64.min) overflows; its magnitude fits UInt64.
            appendUnsigned(UInt64(bitPattern: 0 &- value))
        } else {
            appendUnsigned(UInt64(value))
        }
    }

    mutating func appendUnsigned(_ value: UInt64) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            digits += 1
            rest /= 10
        }
        reserve(digits)
        rest = value
        var i = count + digits - 1
        while i >= count {
            base[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            i -= 1
        }
        count += digits
    }

    /// A finite number in Swift's shortest round-trip form (`0.93`, `1e-05`), an integral one
    /// as an integer; NaN and infinities become `null`.
    mutating func appendDouble(_ value: Double) {
        guard value.isFinite else {
            append("null")
            return
        }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            appendInt(Int64(value))
            return
        }
        var text = value.description
        text.withUTF8 { appendRaw($0) }
    }

    /// A score or coefficient: `value` rounded to ``decimals`` places, written as
    /// ``appendDouble(_:)`` writes (`0.555`, never `0.5549999999999999`).
    mutating func appendScore(_ value: Double) {
        appendDouble(Self.rounded(value))
    }

    /// `value` rounded to ``decimals`` places (half away from zero).
    static func rounded(_ value: Double) -> Double {
        guard value.isFinite else { return value }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    // MARK: - Times

    /// A time as the API shows it: ISO 8601, UTC, milliseconds (`2026-12-07T13:31:29.123Z`).
    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// A time a client sends (a filter, an as-of time): ISO 8601 with or without fractional
    /// seconds, so that every time an answer shows is accepted back. Nil for anything else.
    static func parseTime(_ text: some StringProtocol) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: String(text)) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: String(text))
    }

    // MARK: - Wire structs

    /// The one configured encoder behind ``encode(_:)`` (keys in byte order, `/` unescaped).
    /// A new one per call: `JSONEncoder` is a class with mutable settings.
    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    /// A wire struct's JSON, by the conventions above. Throws only for a number JSON cannot
    /// hold (NaN, infinity) — a server fault, answered 500.
    static func encode(_ value: some Encodable) throws -> Data {
        try encoder().encode(value)
    }

    /// A response with `value`'s JSON as its body (`application/json`).
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encode(value))))
    }

    /// A request body in its canonical form (the same JSON value re-encoded with keys in
    /// byte order and no spaces): what makes two requests with the same JSON the same
    /// request, whatever their key order. Nil for a body that is not JSON.
    static func canonical(_ body: Data) -> Data? {
        guard let object = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else { return nil }
        return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
    }
}

/// Hummingbird's door: every route that returns a wire struct (``ResponseEncodable``) is
/// answered through ``WireWriter/encode(_:)``.
public struct WireResponseEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        try WireWriter.response(value)
    }
}
