/// A hard-example mark on a sample, independent of its labeling state.
///
/// Invariants (checked by `decide`): no reason twice, `coefficient` in [0, 1] (1 is
/// hardest); at least one reason unless a person set the mark (a person confirming a hard
/// example by hand need not name a machine reason code).
public struct HardMark: Sendable, Hashable {
    /// Who set the mark.
    public enum Origin: Sendable, Hashable {
        /// A person marked the sample by hand.
        case person(String)
        /// An auto-labeling task detected it.
        case task(TaskID)
    }

    public var reasons: [HardReason]
    public var coefficient: Double
    public var origin: Origin

    public init(reasons: [HardReason], coefficient: Double, origin: Origin) {
        self.reasons = reasons
        self.coefficient = coefficient
        self.origin = origin
    }
}
