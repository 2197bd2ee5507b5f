import EventLog
import Foundation
import NIOCore
import PostgresNIO

extension PostgresEventStore {
    /// Checks every row in one snapshot (a read-only, repeatable-read transaction): positions
    /// gap-free from 1, each row's hash, every link of the chain, the record decoding to the
    /// row's own columns (position, stream, version, event id, type, recorded-at, command id),
    /// recorded-at never decreasing, and the last row against the hash anchored in `head`.
    /// Reports the first bad position; changes nothing.
    ///
    /// `segments` is 1 (the table), `frames` and `events` count rows.
    public func verify() async throws(LogError) -> VerificationReport {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger)
                do {
                    let report = try await self.verifyRows(on: connection)
                    try await connection.query("COMMIT", logger: self.logger)
                    return report
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: self.logger)
                    throw error
                }
            }
        } catch {
            throw storeError(error)
        }
    }

    private func verifyRows(on connection: PostgresConnection) async throws -> VerificationReport {
        let segment = schema.table("events")
        var report = VerificationReport()
        report.segments = 1
        var previousHash = RowChain.zeroHash
        var lastRecordedAt: Int64 = 0
        var expected: UInt64 = 1
        func fail(_ kind: VerificationReport.ProblemKind, _ reason: String) -> VerificationReport {
            report.problem = .init(kind: kind, segment: segment, offset: 0, position: expected, reason: reason)
            return report
        }
        while true {
            let rows = try await connection.query(
                """
                SELECT position, stream_id, stream_version, event_id, event_type, recorded_at_micros, command_id,
                    record, previous_hash, hash
                FROM \(unescaped: segment) WHERE position >= \(Int64(expected)) ORDER BY position LIMIT \(Self.pageSize)
                """, logger: logger
            ).collect()
            for row in rows {
                let columns: (Int64, String, Int64, UUID, String, Int64, String, ByteBuffer, ByteBuffer, ByteBuffer)
                do {
                    columns = try row.decode(
                        (Int64, String, Int64, UUID, String, Int64, String, ByteBuffer, ByteBuffer, ByteBuffer).self)
                } catch {
                    return fail(.corruption, "the row does not decode: \(String(reflecting: error))")
                }
                let (position, stream, version, eventID, type, recordedAt, commandID, record, previous, hash) = columns
                guard position == Int64(expected) else {
                    return fail(.corruption, "the next row holds position \(position), expected \(expected): positions must be gap-free")
                }
                let previousBytes = [UInt8](buffer: previous)
                let recordBytes = [UInt8](buffer: record)
                guard previousBytes == previousHash else {
                    return fail(.corruption, "hash chain broken: the row does not name the SHA-256 of the row before it")
                }
                let computed = RowChain.hash(previous: previousBytes, record: recordBytes)
                guard computed == [UInt8](buffer: hash) else {
                    return fail(.corruption, "the row does not hash to its stored SHA-256: its record or a hash was changed")
                }
                guard let (event, micros) = StoredEventRecord.decode(Data(recordBytes)) else {
                    return fail(.corruption, "the record is not a labelledger.log.EventRecord")
                }
                guard event.position == expected, event.streamID == stream, event.streamVersion == UInt64(version),
                    event.eventID == eventID, event.type == type, micros == recordedAt, event.commandID == commandID
                else {
                    return fail(.corruption, "the row's columns disagree with its record (\(event.streamID)@\(event.streamVersion), \(event.type))")
                }
                guard micros >= lastRecordedAt else {
                    return fail(.corruption, "recorded-at goes back in time (\(micros) µs after \(lastRecordedAt) µs)")
                }
                lastRecordedAt = micros
                previousHash = computed
                report.frames += 1
                report.events = expected
                report.verifiedHead = expected
                expected += 1
            }
            if rows.count < Self.pageSize { break }
        }
        let head = try await connection.query(
            "SELECT position, hash FROM \(unescaped: schema.table("head")) WHERE id = 1", logger: logger
        ).collect()
        guard let headRow = head.first else { return fail(.missingEvents, "the head row is missing") }
        let (anchorPosition, anchorHash) = try headRow.decode((Int64, ByteBuffer).self)
        if UInt64(anchorPosition) > report.verifiedHead {
            report.problem = .init(
                kind: .missingEvents, segment: segment, offset: 0, position: report.verifiedHead + 1,
                reason: "the table ends at position \(report.verifiedHead) but the head anchors position \(anchorPosition)")
        } else if UInt64(anchorPosition) < report.verifiedHead {
            report.problem = .init(
                kind: .corruption, segment: segment, offset: 0, position: UInt64(anchorPosition) + 1,
                reason: "rows after the anchored head (position \(anchorPosition)) were written outside an append")
        } else if [UInt8](buffer: anchorHash) != previousHash {
            report.problem = .init(
                kind: .corruption, segment: segment, offset: 0, position: report.verifiedHead,
                reason: "the row at position \(anchorPosition) does not hash to the head anchored in the head table: "
                    + "it, or an earlier row together with every row after it, was changed after it was written")
        }
        return report
    }
}
