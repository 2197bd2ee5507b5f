import Foundation

extension UUID {
    /// A random (version 4, RFC 9562) UUID from the system generator (`getrandom`).
    ///
    /// Foundation's `UUID()` on Linux opens and reads `/dev/urandom` for every identifier:
    /// one `open` + `read` + `close` per appended event. This draws the same 122 random bits
    /// with one system call and no file descriptor.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        // Version 4 in the high nibble of byte 6; variant 0b10 in the top bits of byte 8.
        let versioned = (high & ~0xF000) | 0x4000
        let variant = (low & ~(0xC000_0000_0000_0000)) | 0x8000_0000_0000_0000
        let h = versioned.bigEndian, l = variant.bigEndian
        return withUnsafeBytes(of: (h, l)) { raw in
            UUID(uuid: (
                raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
        }
    }
}
