@testable import LedgerComposition
import Testing

/// The streamed export's hand-off between the maker's thread and the sending task.
struct ExportChunkHandoffTests {
    /// A reader that stops while chunks wait drops them; freeing the hand-off afterwards must not
    /// trap (libdispatch refuses to free a semaphore holding fewer permits than it began with:
    /// before, this killed the whole test process with SIGILL).
    @Test func an_abandoned_export_with_waiting_chunks_is_freed_safely() async throws {
        var handoff: ExportChunkHandoff? = ExportChunkHandoff(capacity: 4)
        try handoff!.send([1, 2, 3])
        try handoff!.send([4, 5])
        try handoff!.send([6])
        let first = try await handoff!.next()
        #expect(first == [1, 2, 3])
        handoff!.abandon()
        #expect(throws: (any Error).self) { try handoff!.send([7]) }
        handoff = nil
        #expect(handoff == nil)
    }

    /// Chunks reach the reader in order, each once, then the end.
    @Test func chunks_arrive_in_order_then_the_end() async throws {
        let handoff = ExportChunkHandoff(capacity: 2)
        try handoff.send([1])
        try handoff.send([2])
        handoff.finish(nil)
        #expect(try await handoff.next() == [1])
        #expect(try await handoff.next() == [2])
        #expect(try await handoff.next() == nil)
    }
}

extension ExportChunkHandoffTests {
    /// After the reader stops, it is told so (`CancellationError`) even when the maker has
    /// already noticed and ended with its own error: before, the order in which the two sides
    /// saw the abandonment decided which error the reader got.
    @Test func a_stopped_reader_gets_cancellation_even_after_the_maker_ended() async throws {
        let handoff = ExportChunkHandoff(capacity: 2)
        try handoff.send([1])
        handoff.abandon()
        #expect(throws: (any Error).self) { try handoff.send([2]) }
        handoff.finish(.exportAbandoned(reason: "its reader stopped reading"))
        await #expect(throws: CancellationError.self) { _ = try await handoff.next() }
    }
}
