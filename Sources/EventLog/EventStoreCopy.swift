import Crypto
import Foundation

/// Copies a whole log from one ``EventStore`` into another, empty one — whatever their engines
/// (the embedded segment log, PostgreSQL) — through the protocol alone, keeping every event as
/// it was: its position, stream and version, event id, type, schema version, recorded-at time
/// (``AppendRequest/recordedAt``), actor, command id and correlation id, and payload bytes.
///
/// ```swift
/// let report = try await EventStoreCopy.copy(from: log, to: postgres)
/// print(report.events, report.digestHex)
/// ```
///
/// Invariants:
/// - The target must be empty (``StoreMigrationError/targetNotEmpty(target:head:)``) and the
///   source must pass its own ``EventStore/verify()`` first
///   (``StoreMigrationError/sourceDamaged(source:problem:)``); the copy ends at the source's
///   head as it was when the copy began.
/// - Events are regrouped into the appends that wrote them (one stream, one command id, one
///   recorded-at time, consecutive versions), each appended with its expected version, so the
///   target's idempotency records and optimistic-concurrency checks come out as the source's.
///   Every append's outcome must land on the source's positions, never deduplicated
///   (``StoreMigrationError/copyDiverged(position:reason:)`` otherwise, and the copy stops).
/// - Memory is bounded: events stream from the source and go to the target in batches of at
///   most `batchEvents` events or about `batchBytes` payload bytes.
/// - Afterwards the target passes its own `verify()`, has the source's head, and has the same
///   ``digest(of:through:)`` — a SHA-256 chain over every event's serialized record — as the
///   events read from the source.
public enum EventStoreCopy {
    /// What a finished copy did.
    public struct Report: Sendable, Equatable {
        /// Events copied (the source's head).
        public var events: UInt64
        /// Appends the target received (the source's appends, regrouped).
        public var appends: UInt64
        /// ``digest(of:through:)`` of both stores.
        public var digest: [UInt8]
        public var digestHex: String { digest.map { String(format: "%02x", $0) }.joined() }
    }

    /// Copies every event of `source` into the empty `target`; see the type's invariants.
    ///
    /// - Parameters:
    ///   - sourceName, targetName: how messages name the stores (a path or an address without password).
    ///   - progress: called after each batch with the events copied so far and the total.
    /// - Throws: ``StoreMigrationError`` for a refusal or a copy that differs; ``LogError`` when
    ///   a store fails.
    public static func copy<Source: EventStore, Target: EventStore>(
        from source: Source, to target: Target, sourceName: String = "source", targetName: String = "target",
        batchEvents: Int = 4_096, batchBytes: Int = 8 << 20,
        progress: (@Sendable (_ copied: UInt64, _ total: UInt64) -> Void)? = nil
    ) async throws -> Report {
        let targetHead = try await target.head
        guard targetHead == 0 else { throw StoreMigrationError.targetNotEmpty(target: targetName, head: targetHead) }
        let head = try await source.head
        let check = try await source.verify()
        if let problem = check.problem {
            throw StoreMigrationError.sourceDamaged(source: sourceName, problem: problem.description)
        }
        guard check.verifiedHead >= head else {
            throw StoreMigrationError.sourceDamaged(
                source: sourceName, problem: "verified up to position \(check.verifiedHead) of \(head)")
        }

        var chain = DigestChain()
        var batch = Batch()
        var appends: UInt64 = 0
        var expected: UInt64 = 1
        if head > 0 {
            for try await event in source.events(from: 1) {
                guard event.position == expected else {
                    throw StoreMigrationError.sourceDamaged(
                        source: sourceName, problem: "position \(event.position) follows position \(expected - 1)")
                }
                chain.add(event)
                // A batch ends between appends, never inside one: the part after the cut would
                // repeat the command id and be deduplicated.
                if batch.events >= batchEvents || batch.bytes >= batchBytes, !batch.continues(event) {
                    appends += try await batch.flush(to: target)
                    progress?(expected - 1, head)
                }
                batch.add(event)
                expected += 1
                if event.position == head { break }
            }
            appends += try await batch.flush(to: target)
            progress?(expected - 1, head)
        }
        guard expected == head + 1 else {
            throw StoreMigrationError.sourceDamaged(
                source: sourceName, problem: "the source's events end at position \(expected - 1), its head is \(head)")
        }

        let copiedHead = try await target.head
        guard copiedHead == head else {
            throw StoreMigrationError.copyDiverged(position: min(copiedHead, head) + 1, reason: "the target's head is \(copiedHead), the source's \(head)")
        }
        let verified = try await target.verify()
        if let problem = verified.problem {
            throw StoreMigrationError.copyDiverged(position: problem.position, reason: "the copy fails verification: \(problem)")
        }
        let copied = try await digest(of: target, through: head)
        let digest = chain.value
        guard copied == digest else {
            throw StoreMigrationError.copyDiverged(position: head, reason: "the copy's digest differs from the source's")
        }
        return Report(events: head, appends: appends, digest: digest)
    }

    /// A SHA-256 chain over the events of `store` from position 1 through `head`:
    /// `d(n) = SHA-256(d(n − 1) ‖ record(n))`, `d(0)` = 32 zero bytes, `record(n)` the serialized
    /// ``StoredEventRecord`` of position *n* — the PostgreSQL engine's row chain, computed the
    /// same way over any engine's events. Equal digests mean equal events, field for field.
    public static func digest(of store: some EventStore, through head: UInt64) async throws -> [UInt8] {
        var chain = DigestChain()
        guard head > 0 else { return chain.value }
        for try await event in store.events(from: 1) {
            guard event.position == chain.count + 1 else {
                throw StoreMigrationError.copyDiverged(
                    position: chain.count + 1, reason: "the store reads position \(event.position) there")
            }
            chain.add(event)
            if event.position == head { break }
        }
        guard chain.count == head else {
            throw StoreMigrationError.copyDiverged(position: chain.count + 1, reason: "the store ends at position \(chain.count)")
        }
        return chain.value
    }

    /// The running ``digest(of:through:)``.
    struct DigestChain {
        private(set) var value = [UInt8](repeating: 0, count: 32)
        private(set) var count: UInt64 = 0

        mutating func add(_ event: RecordedEvent) {
            var hasher = SHA256()
            hasher.update(data: value)
            hasher.update(data: StoredEventRecord.encode(event, recordedAtMicros: event.recordedAt.micros))
            value = Array(hasher.finalize())
            count += 1
        }
    }

    /// Source events waiting to be appended, already regrouped into their appends.
    struct Batch {
        private(set) var requests: [AppendRequest] = []
        /// The source position of each request's first event.
        private var firstPositions: [UInt64] = []
        private var lastOfRequest: RecordedEvent?
        private(set) var events = 0
        private(set) var bytes = 0

        /// Whether `event` belongs to the last append gathered: same stream, command id and
        /// recorded-at, the next version and position.
        func continues(_ event: RecordedEvent) -> Bool {
            guard let last = lastOfRequest else { return false }
            return last.streamID == event.streamID && last.commandID == event.commandID
                && last.recordedAt == event.recordedAt && last.streamVersion + 1 == event.streamVersion
                && last.position + 1 == event.position
        }

        /// Adds `event` to the append it belongs to (``continues(_:)``), or starts a new one.
        mutating func add(_ event: RecordedEvent) {
            let proposed = ProposedEvent(
                type: event.type, schemaVersion: event.schemaVersion, payload: event.payload, actor: event.actor,
                correlationID: event.correlationID, eventID: event.eventID)
            if continues(event) {
                requests[requests.count - 1].events.append(proposed)
            } else {
                requests.append(AppendRequest(
                    stream: event.streamID, expectedVersion: .exact(event.streamVersion - 1), events: [proposed],
                    commandID: event.commandID.isEmpty ? nil : event.commandID, recordedAt: event.recordedAt))
                firstPositions.append(event.position)
            }
            lastOfRequest = event
            events += 1
            bytes += event.payload.count + 256
        }

        /// Appends the gathered requests to `target` in one multi-append and checks that each
        /// landed where the source has it; returns how many appends were made.
        mutating func flush(to target: some EventStore) async throws -> UInt64 {
            guard !requests.isEmpty else { return 0 }
            let outcomes = await target.append(requests)
            for ((request, first), outcome) in zip(zip(requests, firstPositions), outcomes) {
                let result: AppendResult
                do {
                    result = try outcome.get()
                } catch {
                    throw StoreMigrationError.copyDiverged(
                        position: first, reason: "the target refused the append of '\(request.stream)': \(error)")
                }
                let last = first + UInt64(request.events.count) - 1
                guard !result.deduplicated, result.firstPosition == first, result.lastPosition == last else {
                    throw StoreMigrationError.copyDiverged(
                        position: first,
                        reason: "the append of '\(request.stream)' landed at \(result.firstPosition)...\(result.lastPosition)"
                            + (result.deduplicated ? " (deduplicated)" : ""))
                }
            }
            let count = UInt64(requests.count)
            self = Batch()
            return count
        }
    }
}
