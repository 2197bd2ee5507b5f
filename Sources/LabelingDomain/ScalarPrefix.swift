extension StringProtocol {
    /// What follows `prefix` when the text starts with its Unicode scalars, else nil.
    ///
    /// Stored spellings (`human:<user>`, `person:<user>`, `model:<name>:<version>`) are split
    /// by scalars, never by `Character`: a user name, model name or version starting with a
    /// combining mark joins the `:` before it into one grapheme cluster, so `hasPrefix` and
    /// `dropFirst` (which count characters) would misread the spelling they were written as.
    package func afterScalarPrefix(_ prefix: String) -> String? {
        let scalars = unicodeScalars
        guard scalars.starts(with: prefix.unicodeScalars) else { return nil }
        return String(String.UnicodeScalarView(scalars.dropFirst(prefix.unicodeScalars.count)))
    }

    /// The text before and after its last `separator` scalar, or nil when there is none.
    package func splitAtLastScalar(_ separator: Unicode.Scalar) -> (before: String, after: String)? {
        let scalars = unicodeScalars
        guard let at = scalars.lastIndex(of: separator) else { return nil }
        return (
            String(String.UnicodeScalarView(scalars[..<at])),
            String(String.UnicodeScalarView(scalars[scalars.index(after: at)...])))
    }
}
