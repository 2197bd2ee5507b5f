import Crypto

/// SHA-256, streaming: the digest of projection dumps, through swift-crypto (named so it
/// never clashes with `Crypto.SHA256` where both are imported). A verify hashes every
/// projection twice (live and replayed): at 1M samples that is gigabytes of dump text, where
/// the hand-written byte-at-a-time SHA-256 this replaced was a large part of `verify`'s time.
/// Public so tools (the golden-snapshot generator) hash content the same way.
public struct ProjectionDigest: @unchecked Sendable {
    // `SHA256` is a value type with no shared state; the wrapper only adds the hex form.
    private var hasher = SHA256()

    public init() {}

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if done == nil { hasher.update(data: Array(bytes)) }
    }

    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    /// Lower-case hex.
    public mutating func finalize() -> String {
        hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
