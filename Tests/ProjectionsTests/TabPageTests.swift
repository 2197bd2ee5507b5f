import Foundation
import LabelingDomain
import Testing
@testable import Projections

/// The query API's tab pages (``ProjectionQueries/tab(_:)``) hold the samples of the plain
/// view pages in the same order, with the dataset's labeling type; a single sample comes with
/// it too; an unknown dataset is refused (the API answers 404), an unknown sample is nil.
@Suite struct TabPageTests {
    @Test func tab_pages_hold_the_samples_of_view_pages_in_order() async throws {
        let fixture = try ProjectionFixture()
        var workload = Workload(service: fixture.service, seed: 43)
        try await workload.generate(samples: 80, steps: 100)
        try await fixture.projector.catchUp()
        for tab in [SampleTab.all, .labeled, .unlabeled, .toBeConfirmed] {
            for order in SampleOrder.allCases {
                var query = SampleQuery(dataset: "ds", tab: tab, order: order, limit: 9)
                var pages = 0
                while true {
                    let views = try fixture.queries.samples(query)
                    let page = try fixture.queries.tab(query)
                    #expect(page.samples == views.samples, "\(tab) \(order)")
                    #expect(page.nextCursor == views.nextCursor)
                    #expect(page.type == .imageClassification)
                    pages += 1
                    guard let next = views.nextCursor else { break }
                    query.cursor = next
                }
                #expect(pages >= 1)
            }
        }
        await fixture.cleanup()
    }

    @Test(arguments: [(LabelingType.imageClassification, UInt64(41)), (.objectDetection, 42)])
    func a_single_sample_is_the_one_its_tab_shows(type: LabelingType, seed: UInt64) async throws {
        let fixture = try ProjectionFixture(name: "single\(seed)")
        var workload = Workload(service: fixture.service, type: type, seed: seed)
        try await workload.generate(samples: 40, steps: 60)
        try await fixture.projector.catchUp()
        let page = try fixture.queries.tab(SampleQuery(dataset: "ds", limit: 100))
        #expect(page.type == type && page.samples.count > 20)
        for view in page.samples {
            let found = try fixture.queries.sample(view.id, ofDataset: "ds")
            #expect(found.type == type)
            #expect(found.sample == view)
        }
        await fixture.cleanup()
    }

    @Test func an_unknown_dataset_is_refused_and_an_unknown_sample_is_nil() async throws {
        let fixture = try ProjectionFixture()
        var workload = Workload(service: fixture.service, seed: 44)
        try await workload.generate(samples: 5, steps: 0)
        try await fixture.projector.catchUp()
        #expect(try fixture.queries.sample("nope", ofDataset: "ds").sample == nil)
        #expect(throws: ProjectionError.datasetNotFound("other")) { try fixture.queries.sample("s1", ofDataset: "other") }
        #expect(throws: ProjectionError.datasetNotFound("other")) { try fixture.queries.tab(SampleQuery(dataset: "other")) }
        await fixture.cleanup()
    }
}
