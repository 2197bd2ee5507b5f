import Foundation

// The per-item rules shared by the dataset commands and the model registry.
// Each throws the DomainError naming the rule and the offending item.

enum DatasetRules {
    static let maximumIdentifierLength = 128
    static let maximumSampleNameLength = 1024
    /// A dataset's description, in characters (the service's limit is lower: we keep room
    /// for an import's generated description).
    static let maximumDescriptionLength = 1024
    static let maximumLabelCount = LabelDefinition.maximumPerDataset

    static func description(_ text: String) throws(DomainError) {
        // The UTF-8 length bounds the character count from above; past it, characters are
        // counted only up to one over the limit, never through a huge text.
        let bytes = text.utf8.count
        guard bytes > maximumDescriptionLength, text.prefix(maximumDescriptionLength + 1).count > maximumDescriptionLength
        else { return }
        throw .descriptionTooLong(utf8Bytes: bytes)
    }

    /// Dataset names: 1–100 of `[A-Za-z0-9_-]`.
    static func datasetName(_ name: String) throws(DomainError) {
        let ok = (1...100).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2D
            }
        guard ok else { throw .invalidDatasetName(name) }
    }

    static func identifier(_ value: String, kind: String) throws(DomainError) {
        let ok = !value.isEmpty && value.utf8.count <= maximumIdentifierLength
            && !value.unicodeScalars.contains {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control
            }
        guard ok else { throw .invalidIdentifier(kind: kind, value: value) }
    }

    static func actor(_ by: String) throws(DomainError) {
        guard !by.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .invalidActor(by) }
    }

    static func labelDefinitions(_ definitions: [LabelDefinition], existing: DatasetState?) throws(DomainError) {
        let total = definitions.count + (existing?.labels.count ?? 0)
        guard total <= maximumLabelCount else { throw .tooManyLabels(count: total) }
        var seen: Set<String> = []
        for label in definitions {
            guard LabelDefinition.isValidName(label.name) else { throw .invalidLabelName(label.name) }
            guard LabelDefinition.isValidColor(label.color) else {
                throw .invalidLabelColor(label: label.name, color: label.color)
            }
            guard seen.insert(label.name).inserted, existing?.hasLabel(label.name) != true else {
                throw .duplicateLabel(label.name)
            }
        }
    }

    static func sampleName(_ name: String, sample: SampleID) throws(DomainError) {
        let ok = !name.isEmpty && name.utf8.count <= maximumSampleNameLength
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard ok else { throw .invalidSampleName(sample: sample, name: name) }
    }

    static func imageSize(width: UInt32, height: UInt32, channels: UInt32, sample: SampleID) throws(DomainError) {
        guard width >= 1, height >= 1, [1, 3, 4].contains(channels) else {
            throw .invalidImageSize(sample: sample, width: width, height: height, channels: channels)
        }
        guard ImageLimits.allows(width: UInt64(width), height: UInt64(height)) else {
            throw .imageTooLarge(sample: sample, width: width, height: height)
        }
    }

    static func contentHash(_ hash: String, sample: SampleID) throws(DomainError) {
        let ok = hash.utf8.count == 64
            && hash.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        guard ok else { throw .invalidContentHash(sample: sample, hash: hash) }
    }

    /// A label list for one sample of a `type` dataset whose image is `width × height`:
    /// known names, boxes exactly for detection and inside the image, scores in
    /// [0, 1] (required when `requireScore`), no label twice.
    static func sampleLabels(
        _ labels: [SampleLabel], sample: SampleID, width: UInt32, height: UInt32, state: DatasetState,
        requireScore: Bool
    ) throws(DomainError) {
        for (index, label) in labels.enumerated() {
            guard state.hasLabel(label.name) else { throw .unknownLabelOnSample(sample: sample, label: label.name) }
            switch state.type {
            case .imageClassification:
                guard label.box == nil else { throw .boxNotAllowed(sample: sample, label: label.name) }
            case .objectDetection:
                guard let box = label.box else { throw .boxRequired(sample: sample, label: label.name) }
                guard box.isValid(width: width, height: height) else {
                    throw .invalidBox(sample: sample, label: label.name, box: box, width: width, height: height)
                }
            }
            if let score = label.score {
                guard score >= 0, score <= 1 else { throw .invalidScore(sample: sample, label: label.name, score: score) }
            } else if requireScore {
                throw .invalidScore(sample: sample, label: label.name, score: nil)
            }
            for earlier in labels[..<index] where earlier.name == label.name && earlier.box == label.box {
                let what = label.box.map { "box \($0) of label '\(label.name)'" } ?? "label '\(label.name)'"
                throw .invalidLabelSet(sample: sample, reason: "\(what) appears twice")
            }
        }
    }

    static func hardReasons(_ codes: [Int]) throws(DomainError) -> [HardReason] {
        guard !codes.isEmpty else { throw .missingHardReason }
        var reasons: [HardReason] = []
        for code in codes {
            guard let reason = HardReason(rawValue: code) else { throw .invalidHardReason(code) }
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons
    }

    static func hardCoefficient(_ value: Double) throws(DomainError) {
        guard value >= 0, value <= 1 else { throw .invalidHardCoefficient(value) }
    }
}

extension ManualLabel {
    func sampleLabel(by: String) -> SampleLabel {
        SampleLabel(name: name, box: box, score: nil, annotator: .human(by))
    }
}
