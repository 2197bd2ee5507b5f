import EventLog
import Foundation
import PostgresNIO

extension PostgresEventStore {
    /// Bytes the store's tables take in the database, indexes and TOAST included
    /// (`pg_total_relation_size` of each): what `bench log --store` sets beside the segment
    /// files of the same events.
    public func storedBytes() async throws(LogError) -> Int64 {
        let tables = ["events", "commands", "head"].map { "'\(schema.table($0))'" }.joined(separator: ", ")
        do {
            let rows = try await client.query(
                PostgresQuery(unsafeSQL: "SELECT sum(pg_total_relation_size(t::regclass))::bigint FROM unnest(ARRAY[\(tables)]) AS t"),
                logger: logger
            ).collect()
            return try rows.first.map { try $0.decode(Int64?.self) ?? 0 } ?? 0
        } catch {
            throw storeError(error)
        }
    }

    /// Drops the store's schema with its tables and every event in them, then closes the store.
    /// Only for a schema made for one run (`bench log --store` on a schema of its own); nothing
    /// in the product calls it.
    public func dropSchemaAndClose() async throws(LogError) {
        do {
            try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema.name)\" CASCADE"), logger: logger)
        } catch {
            await close()
            throw storeError(error)
        }
        await close()
    }
}
