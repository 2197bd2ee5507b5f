import Foundation
import LabelingDomain
import Testing
import TestSupport
@testable import Projections

/// A keyset cursor stays correct while the tab changes between pages: samples that stay
/// in the tab appear exactly once; nothing appears twice.
@Suite struct KeysetPagingTests {
    @Test(arguments: SampleOrder.allCases)
    func cursor_paging_is_stable_under_concurrent_writes(order: SampleOrder) async throws {
        let fixture = try ProjectionFixture(name: "keyset\(order)")
        var workload = Workload(service: fixture.service, seed: 41)
        try await workload.create(samples: 150)
        var rng = SeededGenerator(seed: 42)
        let all = (0..<150).map { SampleID("s\($0)") }
        let initiallyLabeled = Array(all.shuffled(using: &rng).prefix(100))
        try await workload.run(.updateSampleLabels(
            initiallyLabeled.map { SampleLabelUpdate(sampleID: $0, labels: [ManualLabel(name: "cat")]) }, by: "ana"), actor: "ana")
        try await fixture.projector.catchUp()

        var touched = Set<SampleID>()  // samples that left or entered the tab meanwhile
        var seen: [SampleID] = []
        var query = SampleQuery(dataset: "ds", tab: .labeled, order: order, limit: 6)
        var pages = 0
        while true {
            let page = try fixture.queries.samples(query)
            seen += page.samples.map(\.id)
            pages += 1
            // Between pages: relabel (stays), unlabel (leaves), label (enters), add, delete.
            let state = try await workload.state()
            let labeled = workload.ids(state, in: .labeled)
            let unlabeled = workload.ids(state, in: .unlabeled)
            let relabel = Array(labeled.shuffled(using: &rng).prefix(3))
            let leave = Array(labeled.shuffled(using: &rng).prefix(2))
            let enter = Array(unlabeled.shuffled(using: &rng).prefix(2))
            touched.formUnion(leave)
            touched.formUnion(enter)
            try await workload.run(.updateSampleLabels(
                relabel.map { SampleLabelUpdate(sampleID: $0, labels: [ManualLabel(name: "dog")]) }
                    + leave.map { SampleLabelUpdate(sampleID: $0, labels: []) }
                    + enter.map { SampleLabelUpdate(sampleID: $0, labels: [ManualLabel(name: "bird")]) }, by: "ben"),
                actor: "ben")
            try await workload.addSamples(2)
            if let victim = unlabeled.filter({ !enter.contains($0) }).randomElement(using: &rng) {
                try await workload.run(.deleteSamples([victim], by: "ben"), actor: "ben")
            }
            try await fixture.projector.catchUp()
            guard let next = page.nextCursor else { break }
            query.cursor = next
        }
        #expect(pages > 10)
        #expect(Set(seen).count == seen.count, "a sample appeared twice")
        let stable = Set(initiallyLabeled).subtracting(touched)
        #expect(stable.isSubset(of: Set(seen)), "skipped: \(stable.subtracting(Set(seen)))")
        #expect(Set(seen).isSubset(of: Set(initiallyLabeled).union(touched)))
        await fixture.cleanup()
    }
}
