import HTTPTypes

extension HTTPField.Name {
    /// `Idempotency-Key`: a retried request returns the first answer and appends nothing.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// Set on an answer replayed for a repeated `Idempotency-Key`.
    static let idempotentReplay = HTTPField.Name("Idempotent-Replay")!
    /// The service's token header.
    static let authToken = HTTPField.Name("X-Auth-Token")!
}
