import Foundation
import LabelingDomain
import Testing
@testable import Projections

/// Every tab and filter returns exactly the samples a brute-force filter of the domain
/// state selects, in sort-key order, through cursor and offset paging alike.
@Suite struct TabQueryTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var configure: @Sendable (inout SampleQuery) -> Void
        var include: @Sendable (SampleRecord) -> Bool
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "all", configure: { _ in }, include: { _ in true }),
        Case(name: "labeled", configure: { $0.tab = .labeled }, include: { $0.state == .labeled }),
        Case(name: "unlabeled", configure: { $0.tab = .unlabeled }, include: { $0.state == .unlabeled }),
        Case(name: "toBeConfirmed", configure: { $0.tab = .toBeConfirmed }, include: { $0.state == .toBeConfirmed }),
        Case(name: "label dog", configure: { $0.labelName = "dog" }, include: { $0.visibleLabels.contains { $0.name == "dog" } }),
        Case(name: "labeled + label cat", configure: { $0.tab = .labeled; $0.labelName = "cat" },
             include: { $0.state == .labeled && $0.labels.contains { $0.name == "cat" } }),
        Case(name: "toBeConfirmed + label cat", configure: { $0.tab = .toBeConfirmed; $0.labelName = "cat" },
             include: { $0.state == .toBeConfirmed && $0.predictedLabels.contains { $0.name == "cat" } }),
        Case(name: "hard", configure: { $0.hard = true }, include: { $0.hardMark != nil }),
        Case(name: "not hard, labeled", configure: { $0.hard = false; $0.tab = .labeled },
             include: { $0.hardMark == nil && $0.state == .labeled }),
        Case(name: "labeler ana", configure: { $0.labeler = .person("ana") },
             include: { $0.visibleLabels.first?.annotator == .human("ana") }),
        Case(name: "labeler active learning", configure: { $0.labeler = .activeLearning },
             include: { if case .activeLearning = $0.visibleLabels.first?.annotator { true } else { false } }),
        Case(name: "labeler model", configure: { $0.labeler = .model(name: "net-ds", version: "1") },
             include: { $0.visibleLabels.first?.annotator == .preLabelModel(name: "net-ds", version: "1") }),
        Case(name: "score 0.2–0.8", configure: { $0.scoreRange = 0.2...0.8 },
             include: { r in r.visibleLabels.compactMap(\.score).max().map { (0.2...0.8).contains($0) } ?? false }),
        Case(name: "name prefix img-0001", configure: { $0.namePrefix = "img-0001" }, include: { $0.name.hasPrefix("img-0001") }),
        Case(name: "toBeConfirmed + not hard + score ≥ 0.3", configure: { $0.tab = .toBeConfirmed; $0.hard = false; $0.scoreRange = 0.3...1 },
             include: { r in r.state == .toBeConfirmed && r.hardMark == nil
                 && (r.visibleLabels.compactMap(\.score).max().map { $0 >= 0.3 } ?? false) }),
        Case(name: "hard + person ben + name prefix img-00", configure: { $0.hard = true; $0.labeler = .person("ben"); $0.namePrefix = "img-00" },
             include: { r in r.hardMark != nil && r.visibleLabels.first?.annotator == .human("ben") && r.name.hasPrefix("img-00") }),
    ]

    @Test func every_tab_and_filter_matches_a_brute_force_filter_of_the_domain_state() async throws {
        let fixture = try ProjectionFixture()
        var workload = Workload(service: fixture.service, seed: 31)
        workload.labelSetChanges = false
        try await workload.generate(samples: 200, steps: 220)
        try await fixture.projector.catchUp()
        let state = try await workload.state()
        var empty: Set<String> = []
        for testCase in Self.cases {
            for order in SampleOrder.allCases {
                var query = SampleQuery(dataset: "ds", order: order, limit: 7)
                testCase.configure(&query)
                let viaCursor = try allPages(fixture.queries, query)
                let expected = expectedIDs(state, testCase.include)
                #expect(Set(viaCursor.map(\.id)) == expected, "\(testCase) \(order)")
                #expect(viaCursor.count == expected.count, "\(testCase) \(order): duplicates")
                let keys = viaCursor.map(\.sortKey)
                #expect(keys == (order == .asc ? keys.sorted() : keys.sorted(by: >)), "\(testCase) \(order): order")
                // Offset paging returns the same sequence.
                var viaOffset: [SampleView] = []
                var offset = 0
                while true {
                    query.cursor = nil
                    query.offset = offset
                    let page = try fixture.queries.samples(query).samples
                    viaOffset += page
                    if page.count < query.limit { break }
                    offset += query.limit
                }
                #expect(viaOffset.map(\.id) == viaCursor.map(\.id), "\(testCase) \(order): offset paging")
                if expected.isEmpty { empty.insert(testCase.name) }
            }
        }
        // The workload produced something for every filter.
        #expect(empty.isEmpty, "no sample matched \(empty.sorted())")
        await fixture.cleanup()
    }

    @Test func out_of_range_parameters_are_refused_with_their_field() async throws {
        let fixture = try ProjectionFixture()
        var workload = Workload(service: fixture.service, seed: 32)
        try await workload.create(samples: 5)
        try await fixture.projector.catchUp()
        for limit in [0, 101] {
            #expect(throws: ProjectionError.invalidQuery(field: "limit", reason: "\(limit) is outside 1…100")) {
                try fixture.queries.samples(SampleQuery(dataset: "ds", limit: limit))
            }
        }
        #expect(throws: ProjectionError.self) {
            try fixture.queries.samples(SampleQuery(dataset: "ds", offset: -1))
        }
        let cursor = SampleCursor(sortKey: 5, order: .asc)
        do {
            _ = try fixture.queries.samples(SampleQuery(dataset: "ds", order: .desc, cursor: cursor))
            Issue.record("a cursor of another order was accepted")
        } catch {
            #expect(error.code == "LabelLedger.Projection.005")
        }
        #expect(throws: ProjectionError.datasetNotFound("nope")) { try fixture.queries.stats(of: "nope") }
        #expect(SampleCursor(token: cursor.token) == cursor)
        #expect(SampleCursor(token: "garbage") == nil)
        await fixture.cleanup()
    }
}
