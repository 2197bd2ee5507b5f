/// A command that ran and failed: ArgumentParser prints `Error: <message>` alone and the
/// process exits with status 1.
///
/// Usage text and status 64 are for arguments that cannot be parsed or make no sense
/// together (`ValidationError`); a failure while running — a refused import, a damaged
/// log — is not a usage mistake and gets this instead.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }
}
