import EventLog
import Foundation
import LabelingDomain
import Testing
@testable import LabelingService

/// A dataset's concurrent commands are decided together and appended as one group commit,
/// each answered as if it had run alone in its place in the arrival order.
@Suite struct GroupCommitTests {
    /// A log that gathers each commit group for 100 ms before writing it: commands that
    /// arrive one after another, each waiting for its own append, take one group (and one
    /// frame) each; commands decided together share one.
    private func fixture(_ name: String = #function) throws -> ServiceFixture {
        try ServiceFixture(configuration: .init(durability: .batch(interval: .milliseconds(100))), name: name)
    }

    @Test func concurrent_commands_on_one_dataset_share_commit_groups_and_each_gets_its_own_result() async throws {
        let fixture = try fixture()
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 64)
        let before = try EventLog.verify(directory: fixture.log.directory).frames
        let outcomes = try await withThrowingTaskGroup(of: (Int, CommandOutcome).self) { group in
            for i in 0..<64 {
                group.addTask { (i, try await fixture.service.label([i], "\(i % 10)", commandID: "label-\(i)")) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        await fixture.log.close()
        let frames = try EventLog.verify(directory: fixture.log.directory).frames - before
        // One at a time, 64 commands would take 64 groups.
        #expect(frames <= 8, "64 commands took \(frames) commit groups")
        // Each its own result: one event each, distinct consecutive versions, its own sample.
        let versions = outcomes.values.compactMap { $0.append?.lastVersion }.sorted()
        #expect(versions.count == 64)
        #expect(versions == Array(versions.first!...(versions.first! + 63)))
        for (i, outcome) in outcomes {
            #expect(outcome.version == outcome.append?.lastVersion)
            #expect(outcome.decision.results.map(\.sampleID) == [SampleID("s\(i)")])
            let events = try fixture.log.read(stream: StreamNames.dataset("digits"), fromVersion: outcome.version)
            #expect(events.first?.commandID == "label-\(i)")
        }
    }

    @Test func failures_in_the_middle_of_a_group_are_answered_alone_and_the_others_hold() async throws {
        let fixture = try fixture()
        defer { fixture.cleanup() }
        try await fixture.service.createDigits(samples: 40)
        let original = try await fixture.service.label([0], "1", commandID: "repeated")
        let version = original.version
        enum Kind: Sendable { case label(Int), refused, repeated, ifMatch(Int) }
        let kinds: [Kind] = (1..<30).map { .label($0) } + [.refused, .repeated, .refused, .repeated]
            + [.ifMatch(30), .ifMatch(31), .ifMatch(32)] + (33..<40).map { .label($0) }
        let service = fixture.service
        let answers = await withTaskGroup(of: (Int, Result<CommandOutcome, ServiceError>).self) { group in
            for (n, kind) in kinds.enumerated() {
                group.addTask {
                    let result: Result<CommandOutcome, ServiceError>
                    do throws(ServiceError) {
                        switch kind {
                        case let .label(i):
                            result = .success(try await service.execute(
                                .updateSampleLabels([SampleLabelUpdate(sampleID: SampleID("s\(i)"), labels: [ManualLabel(name: "2")])], by: "ana"),
                                on: "digits", actor: "ana", commandID: "c-\(i)"))
                        case .refused:
                            result = .success(try await service.execute(
                                .updateSampleLabels([SampleLabelUpdate(sampleID: "s1", labels: [ManualLabel(name: "no-such-label")])], by: "ana"),
                                on: "digits", actor: "ana", allOrNothing: true))
                        case .repeated:
                            result = .success(try await service.execute(
                                .updateSampleLabels([SampleLabelUpdate(sampleID: "s0", labels: [ManualLabel(name: "1")])], by: "ana"),
                                on: "digits", actor: "ana", commandID: "repeated"))
                        case let .ifMatch(i):
                            // All three name the version before the group: at most one can be appended.
                            result = .success(try await service.execute(
                                .updateSampleLabels([SampleLabelUpdate(sampleID: SampleID("s\(i)"), labels: [ManualLabel(name: "3")])], by: "ana"),
                                on: "digits", actor: "ana", commandID: "if-match-\(i)", expectedVersion: version))
                        }
                    } catch {
                        result = .failure(error)
                    }
                    return (n, result)
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        var ifMatchWritten = 0
        for (n, kind) in kinds.enumerated() {
            let answer = try #require(answers[n])
            switch kind {
            case let .label(i):
                let outcome = try answer.get()
                #expect(outcome.decision.results.map(\.success) == [true])
                let event = try #require(try fixture.log.read(stream: StreamNames.dataset("digits"), fromVersion: outcome.version).first)
                #expect(event.commandID == "c-\(i)")
            case .refused:
                // Nothing appended: the whole batch is refused, the results say why.
                let outcome = try answer.get()
                #expect(outcome.append == nil)
                #expect(outcome.decision.results.map(\.success) == [false])
            case .repeated:
                let outcome = try answer.get()
                #expect(outcome.deduplicated)
                #expect(outcome.append?.firstPosition == original.append?.firstPosition)
            case .ifMatch:
                switch answer {
                case let .success(outcome):
                    #expect(!outcome.deduplicated)
                    ifMatchWritten += 1
                case let .failure(error):
                    guard case let .staleVersion(_, expected, actual) = error else {
                        Issue.record("an If-Match command failed with \(error)")
                        continue
                    }
                    #expect(expected == version)
                    #expect(actual > version)
                }
            }
        }
        // Of commands naming one version, at most one is appended (none when a command before them moved it).
        #expect(ifMatchWritten <= 1)
        // The state the session holds is the log's: the same as a fresh fold of the stream.
        let held = try #require(try await fixture.service.state(of: "digits"))
        let fresh = try #require(try await fixture.sibling().state(of: "digits"))
        #expect(held == fresh)
        #expect(held.version == fixture.log.version(of: StreamNames.dataset("digits")))
        for i in 1..<40 where !(30...32).contains(i) { #expect(held.samples[SampleID("s\(i)")]?.labels.map(\.name) == ["2"]) }
    }
}
