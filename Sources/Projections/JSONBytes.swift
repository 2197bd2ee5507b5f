/// An append-only UTF-8 JSON text: the tab pages' hot path writes samples straight from
/// SQLite's column memory into it, with no intermediate values.
///
/// Invariant: ``appendString(_:)`` escapes per RFC 8259 (`"`, `\`, and every byte below
/// 0x20), so any UTF-8 text becomes a valid JSON string; raw appends are for ASCII
/// literals and for bytes that already are JSON (``appendRaw(_:)``).
///
/// Non-copyable, over a buffer it owns: an append is a capacity check and a copy, with
/// none of an array's uniqueness checks (a page of 100 samples is some 2,000 appends).
public struct JSONBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    public private(set) var count = 0

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// A copy of the text.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Drops everything after the first `count` bytes.
    mutating func truncate(to count: Int) {
        precondition(count <= self.count)
        self.count = count
    }

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

    @inline(__always)
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { appendRaw($0) }
    }

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

    /// A finite number in Swift's shortest round-trip form (`0.93`, `1e-05`); NaN and
    /// infinities, which JSON cannot hold, become `null`.
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

    /// `value` rounded to `places` decimals, written as ``appendDouble(_:)`` writes (shortest
    /// form: `0.555`, never `0.5549999999999999`).
    mutating func appendRounded(_ value: Double, places: Int) {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        appendDouble(value.isFinite ? (value * scale).rounded() / scale : value)
    }
}
