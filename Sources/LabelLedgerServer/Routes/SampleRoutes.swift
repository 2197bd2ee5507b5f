import Foundation
import Hummingbird
import LabelingDomain
import LabelingService
import LedgerComposition
import LedgerQueries
import Projections

/// Samples: add, tabs, one sample, replace labels, delete, confirm, reject, hard marks,
/// and a sample's audit history.
struct SampleRoutes: Sendable {
    let support: RouteSupport

    func register(on group: RouterGroup<LedgerRequestContext>) {
        let base = "datasets/:dataset_id/data-annotations/samples"
        group.post(RouterPath(base), use: add)
        group.get(RouterPath(base), use: list)
        group.put(RouterPath(base), use: update)
        group.post(RouterPath(base + "/delete"), use: delete)
        group.post(RouterPath(base + "/confirm"), use: confirm)
        group.post(RouterPath(base + "/reject"), use: reject)
        group.post(RouterPath(base + "/hard"), use: hard)
        group.get(RouterPath(base + "/:sample_id"), use: get)
        group.get(RouterPath(base + "/:sample_id/history"), use: history)
        group.get("datasets/:dataset_id/auto-annotations/samples", use: toBeConfirmed)
    }

    // MARK: - Adding

    @Sendable func add(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context, role: .admin)
        let body = try await support.decode(AddSamplesRequest.self, from: request)
        guard !body.samples.isEmpty else { throw APIError.badRequest("samples must not be empty") }
        let state = try await support.info(dataset)
        let ifMatch = try await support.isRetry(request, identity: identity)
            ? try support.ifMatchVersion(request) : try support.checkIfMatch(request, state: state)
        let machine = body.final_annotation == false
        return try await support.once(request, identity: identity) { commandID in
            // One slot per requested sample: nil until the domain has decided it.
            var results: [SampleResultDTO?] = []
            var samples: [NewSample] = []
            for (index, item) in body.samples.enumerated() {
                do {
                    samples.append(try makeSample(item, index: index, state: state, identity: identity, machine: machine))
                    results.append(nil)
                } catch let error as APIError {
                    results.append(SampleResultDTO(failure: item.name, error))
                }
            }
            var version = state.version
            if !samples.isEmpty {
                let outcome = try await support.execute(.addSamples(samples, by: identity.name), on: dataset, identity: identity, commandID: commandID, ifMatch: ifMatch)
                var decided = outcome.decision.results.makeIterator()
                results = results.map { $0 ?? decided.next().map(SampleResultDTO.init) }
                version = outcome.version
            }
            let final = results.compactMap { $0 }
            return (ResultsResponse(success: final.allSatisfy(\.success), results: final, version: version), version)
        }
    }

    /// The sample for one item of the request, through ``SampleIntake`` (the importer's too):
    /// its id by the one naming rule, `data` stored under the data directory's `images/`, a
    /// `source` file probed where it is.
    private func makeSample(_ item: NewSampleDTO, index: Int, state: DatasetInfo, identity: APIIdentity, machine: Bool) throws -> NewSample {
        let image: SampleIntake.Image
        do {
            switch (item.data, item.source) {
            case let (data?, nil):
                guard let bytes = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                    throw APIError.badRequest("sample \(index): data is not base64")
                }
                image = try SampleIntake(directory: DataDirectory(support.runtime.configuration.dataDirectory)).store(bytes)
            case let (nil, source?):
                image = try SampleIntake.probe(fileAt: try resolveSource(source, index: index))
            default:
                throw APIError.badRequest("sample \(index): give exactly one of data (base64) or source (a path)")
            }
        } catch let error as SampleIntakeError {
            switch error {
            case .fileTooLarge:
                throw APIError(.contentTooLarge, code: "LabelLedger.API.4324", "sample \(index): \(error.message)")
            case .storageFailed:
                throw APIError(.internalServerError, code: error.code, "sample \(index): \(error.message)")
            case .notAnImage, .unreadable:
                throw APIError(.unprocessableContent, code: "LabelLedger.Import.012", "sample \(index): \(error.message)")
            }
        }
        let given = item.labels ?? []
        let labels = try given.map { try $0.manualLabel() }
        var usage: SampleUsage?
        if let text = item.usage {
            guard let value = SampleUsage.allCases.first(where: { $0.manifestName == text.uppercased() }) else {
                throw APIError.badRequest("sample \(index): usage '\(text)' is not TRAIN, EVAL, TEST or INFERENCE")
            }
            usage = value
        }
        let human = labels.map { SampleLabel(name: $0.name, box: $0.box, annotator: .human(identity.name)) }
        // Machine labels keep the score they were uploaded with; one sent without a score counts
        // as sure (1), as the uploader gave no doubt (a machine label always carries a score).
        let predicted = zip(labels, given).map { label, dto in
            SampleLabel(
                name: label.name, box: label.box, score: dto.score ?? 1,
                annotator: .preLabelModel(name: "api:" + identity.name, version: Annotator.importedVersion))
        }
        return SampleIntake.sample(
            dataset: state.id, name: item.name ?? image.url.lastPathComponent, image: image, usage: usage,
            labels: machine ? [] : human, predictions: machine ? predicted : [])
    }

    /// A source path must resolve — `..` and symlinks followed — inside a configured data root.
    private func resolveSource(_ source: String, index: Int) throws -> URL {
        let roots = support.runtime.configuration.dataRoots.map { $0.resolvingSymlinksInPath().standardizedFileURL.path }
        guard !roots.isEmpty else {
            throw APIError(.forbidden, code: "LabelLedger.API.4031", "sample \(index): this server accepts no source paths (no data roots configured); send data instead")
        }
        let url = URL(fileURLWithPath: source).standardizedFileURL.resolvingSymlinksInPath()
        guard roots.contains(where: { url.path.hasPrefix($0 + "/") }) else {
            throw APIError(.forbidden, code: "LabelLedger.API.4032", "sample \(index): \(source) is outside the server's data roots")
        }
        return url
    }

    // MARK: - Reading

    @Sendable func list(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, _) = try support.datasetID(context)
        let query = request.uri.queryParameters
        return try await page(
            dataset, tab: try SampleStatusName.tab(query["sample_state"].map(String.init)), query: query,
            asOf: try await support.asOfPosition(request))
    }

    @Sendable func toBeConfirmed(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, _) = try support.datasetID(context)
        return try await page(
            dataset, tab: .toBeConfirmed, query: request.uri.queryParameters, asOf: try await support.asOfPosition(request))
    }

    /// `{"next_cursor":"…","position":N,"samples":[…]}`, the query API's samples written by
    /// ``WireWriter/tabPage(_:type:nextCursor:position:)``; with `asOf`, the page as it was at
    /// that position (`position` is then that position).
    private func page(_ dataset: DatasetID, tab: SampleTab, query: Parameters, asOf: UInt64?) async throws -> Response {
        func int(_ key: String, _ fallback: Int) throws -> Int {
            guard let raw = query[key[...]] else { return fallback }
            guard let value = Int(raw) else { throw APIError.badRequest("\(key) must be an integer") }
            return value
        }
        func double(_ key: String) throws -> Double? {
            guard let raw = query[key[...]] else { return nil }
            guard let value = Double(raw) else { throw APIError.badRequest("\(key) must be a number") }
            return value
        }
        var sampleQuery = SampleQuery(dataset: dataset, tab: tab, offset: try int("offset", 0), limit: try int("limit", 10))
        if let order = query["order"] {
            guard let value = SampleOrder(rawValue: String(order)) else { throw APIError.badRequest("order must be asc or desc") }
            sampleQuery.order = value
        }
        sampleQuery.labelName = query["label_name"].map(String.init)
        let low = try double("low_score"), high = try double("high_score")
        if low != nil || high != nil {
            guard (low ?? 0) <= (high ?? 1) else { throw APIError.badRequest("low_score must not exceed high_score") }
            sampleQuery.scoreRange = (low ?? 0)...(high ?? 1)
        }
        var conditions: [String: String] = [:]
        if let raw = query["search_conditions"] {
            guard let list = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [[String: Any]] else {
                throw APIError.badRequest("search_conditions must be a JSON array of objects")
            }
            for condition in list { for (key, value) in condition { conditions[key] = "\(value)" } }
        }
        for key in ["hard", "labeler", "sample_name"] { if let value = query[key[...]] { conditions[key] = String(value) } }
        if let hard = conditions["hard"] {
            guard hard == "0" || hard == "1" else { throw APIError.badRequest("hard must be 0 or 1") }
            sampleQuery.hard = hard == "1"
        }
        if let text = conditions["labeler"] {
            guard let labeler = Labeler(text) else {
                throw APIError.badRequest(
                    "labeler '\(text)' is not a labeler as answers show it: person:<user>, active-learning or model:<name>:<version>",
                    code: "LabelLedger.API.4301")
            }
            sampleQuery.labeler = labeler
        }
        sampleQuery.namePrefix = conditions["sample_name"]
        if let token = query["cursor"] {
            guard let cursor = SampleCursor(token: String(token)) else { throw APIError.badRequest("cursor is not one this server issued") }
            sampleQuery.cursor = cursor
        }
        let head = asOf ?? support.runtime.queries.head
        if asOf == nil { try await support.runtime.settle(head) }
        let page = try await support.projected(dataset) { [sampleQuery] queries throws(QueryError) in
            try await queries.samples(sampleQuery, asOf: asOf)
        }
        if page.samples.isEmpty, let labeler = sampleQuery.labeler,
            try await !support.projected(dataset, { queries throws(QueryError) in try await queries.hasLabeler(labeler, in: dataset, asOf: asOf) })
        {
            throw APIError.badRequest(
                "no sample of this dataset has the labeler '\(labeler)'; a model is named model:<name>:<version>",
                code: "LabelLedger.API.4301")
        }
        var out = WireWriter(capacity: 512 * max(page.samples.count, 1))
        out.tabPage(page.samples, type: page.type, nextCursor: page.nextCursor, position: head)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: out.buffer))
    }

    @Sendable func get(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, _) = try support.datasetID(context)
        let id = try context.parameters.require("sample_id")
        try await support.runtime.settle(support.runtime.queries.head)
        let found = try await support.projected(dataset) { queries throws(QueryError) in
            try await queries.sample(SampleID(id), in: dataset)
        }
        guard let sample = found.sample else { throw APIError.notFound("sample '\(id)'") }
        var out = WireWriter(capacity: 1024)
        out.sample(sample, type: found.type)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: out.buffer))
    }

    struct HistoryResponse: ResponseEncodable {
        struct Entry: Codable {
            var position: UInt64
            var time: String
            var actor: String
            var event: String
            var change: String
            var before: String?
            var after: String?
            var command_id: String
            /// Who labelled the sample as this change left it (``LabelingDomain/Labeler``), as
            /// the sample's own `labeler` shows it; sample histories only.
            var labeler: String?
        }
        var entries: [Entry]
    }

    @Sendable func history(_ request: Request, context: LedgerRequestContext) async throws -> HistoryResponse {
        let (dataset, _) = try support.datasetID(context)
        _ = try await support.overview(dataset)
        let id = try context.parameters.require("sample_id")
        try await support.runtime.settle(support.runtime.queries.head)
        let entries = try await support.projected(dataset) { queries throws(QueryError) in
            try await queries.history(HistoryQuery(.sample(SampleID(id), dataset: dataset)))
        }
        guard !entries.isEmpty else { throw APIError.notFound("sample '\(id)'") }
        return HistoryResponse(entries: entries.map(HistoryRoutes.entry))
    }

    // MARK: - Changing

    @Sendable func update(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context)
        let body = try await support.decode(UpdateSamplesRequest.self, from: request)
        guard !body.samples.isEmpty else { throw APIError.badRequest("samples must not be empty") }
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        var updates: [SampleLabelUpdate] = []
        for item in body.samples {
            updates.append(SampleLabelUpdate(sampleID: SampleID(item.sample_id), labels: try (item.labels ?? []).map { try $0.manualLabel() }))
        }
        return try await batch(request, identity: identity, dataset: dataset, ifMatch: ifMatch, .updateSampleLabels(updates, by: identity.name))
    }

    @Sendable func delete(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context, role: .admin)
        let body = try await support.decode(SampleIDsRequest.self, from: request)
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        return try await batch(request, identity: identity, dataset: dataset, ifMatch: ifMatch, .deleteSamples(body.samples.map { SampleID($0) }, by: identity.name))
    }

    @Sendable func confirm(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context)
        let body = try await support.decode(UpdateSamplesRequest.self, from: request)
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        var confirmations: [SampleConfirmation] = []
        for item in body.samples {
            confirmations.append(SampleConfirmation(
                sampleID: SampleID(item.sample_id), correctedLabels: try item.labels.map { try $0.map { try $0.manualLabel() } }))
        }
        return try await batch(request, identity: identity, dataset: dataset, ifMatch: ifMatch, .confirmSamples(confirmations, by: identity.name))
    }

    @Sendable func reject(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context)
        let body = try await support.decode(SampleIDsRequest.self, from: request)
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        return try await batch(request, identity: identity, dataset: dataset, ifMatch: ifMatch, .rejectSamples(body.samples.map { SampleID($0) }, by: identity.name))
    }

    @Sendable func hard(_ request: Request, context: LedgerRequestContext) async throws -> Response {
        let (dataset, identity) = try support.datasetID(context)
        let body = try await support.decode(HardMarkRequest.self, from: request)
        let ifMatch = try await support.checkIfMatch(request, dataset: dataset, identity: identity)
        let ids = body.samples.map { SampleID($0) }
        let command: DatasetCommand = body.hard
            ? .markHard(ids, reasonCodes: body.reasons ?? [], coefficient: body.coefficient ?? 1, by: identity.name)
            : .clearHard(ids, by: identity.name)
        return try await batch(request, identity: identity, dataset: dataset, ifMatch: ifMatch, command)
    }

    private func batch(
        _ request: Request, identity: APIIdentity, dataset: DatasetID, ifMatch: UInt64?, _ command: DatasetCommand
    ) async throws -> Response {
        try await support.once(request, identity: identity) { commandID in
            let outcome = try await support.execute(command, on: dataset, identity: identity, commandID: commandID, ifMatch: ifMatch)
            let results = outcome.decision.results.map(SampleResultDTO.init)
            return (ResultsResponse(success: results.allSatisfy(\.success), results: results, version: outcome.version), outcome.version)
        }
    }
}
