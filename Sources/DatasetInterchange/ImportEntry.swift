import Foundation
import LabelingDomain

/// One sample as read from an import source, before it is checked against the dataset.
public struct ImportEntry: Sendable, Equatable {
    /// Where it was read: the manifest (with its line) or the image file of a folder import.
    public var file: String
    public var line: Int
    public var source: URL
    /// The sample's name in the dataset: its path relative to the import root.
    public var name: String
    public var sampleID: String?
    public var usage: SampleUsage?
    public var labels: [ImportedLabel]
    public var hard: Bool?
    public var hardCoefficient: Double?
    public var hardReasons: [Int]
    public var creationTime: Date?

    public init(file: String, line: Int, source: URL, name: String) {
        self.file = file
        self.line = line
        self.source = source
        self.name = name
        self.sampleID = nil
        self.usage = nil
        self.labels = []
        self.hard = nil
        self.hardCoefficient = nil
        self.hardReasons = []
        self.creationTime = nil
    }
}

/// A label as an import source states it, with its provenance.
public struct ImportedLabel: Sendable, Equatable {
    public var name: String
    public var box: BoundingBox?
    public var confidence: Double?
    /// "human", or the machine that made it ("modelarts/active-learning", a model name...).
    public var annotatedBy: String

    public init(name: String, box: BoundingBox? = nil, confidence: Double? = nil, annotatedBy: String = "human") {
        self.name = name
        self.box = box
        self.confidence = confidence
        self.annotatedBy = annotatedBy
    }

    public var isHuman: Bool { annotatedBy == "human" || annotatedBy.isEmpty }
}
