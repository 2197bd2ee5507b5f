import Foundation

/// Where the two envelope fields no proposer chooses come from: the time an event is
/// recorded and, for ``reproducible(startMicros:stepMicros:)``, its event id.
public enum EnvelopeSource: Sendable, Equatable {
    /// Recorded-at is the system clock (never below the previous append's); event
    /// ids are the proposers' (random by default, see ``ProposedEvent``).
    case system
    /// For generators of golden logs: the same appends in the same order give the same
    /// bytes. The first append is recorded at `startMicros` and each later one
    /// `stepMicros` after the previous (after reopening: after the last recorded one);
    /// every event's id is ``Foundation/UUID/positional(_:)`` of its position, whatever the
    /// proposer gave. Not for live data: the times are not the clock's.
    case reproducible(startMicros: Int64, stepMicros: Int64)

    /// The recorded-at time of the next append, given the last one (0 when none).
    func recordedAt(after last: Int64) -> Int64 {
        switch self {
        case .system: max(Date().micros, last)
        case .reproducible(let start, let step): last == 0 ? start : max(start, last + step)
        }
    }

    /// The id an event at `position` is recorded with.
    func eventID(_ proposed: UUID, position: UInt64) -> UUID {
        switch self {
        case .system: proposed
        case .reproducible: .positional(position)
        }
    }
}

extension UUID {
    /// A version 8 (RFC 9562, custom) UUID naming a log position:
    /// `4c4c4556-0000-8000-8000-` then the position's low 48 bits in hexadecimal ("LLEV" in
    /// ASCII first). Positions below 2⁴⁸ get distinct ids.
    public static func positional(_ position: UInt64) -> UUID {
        var bytes: [UInt8] = Array("LLEV".utf8) + [0, 0, 0x80, 0, 0x80, 0]
        for shift in stride(from: 40, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: position >> UInt64(shift))) }
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
