extension SamplesAdded {
    /// The most an added-samples event may weigh, by ``NewSample/encodedSizeBound``: well
    /// under the log's limit for one event, so that any number of samples fits in events the
    /// log accepts.
    public static let maximumEventBytes = 4 << 20

    /// The events that add `samples`: consecutive runs, in order, each within
    /// ``maximumEventBytes`` (a sample heavier than that alone gets an event of its own).
    ///
    /// A command's events are appended as one atomic commit group, so a large import is
    /// many events that become durable, and visible, all together or not at all.
    public static func chunks(of samples: [NewSample], by: String) -> [SamplesAdded] {
        var events: [SamplesAdded] = []
        var start = 0
        var bytes = 0
        for (index, sample) in samples.enumerated() {
            let size = sample.encodedSizeBound
            if index > start, bytes + size > maximumEventBytes {
                events.append(SamplesAdded(samples: Array(samples[start..<index]), by: by))
                start = index
                bytes = 0
            }
            bytes += size
        }
        if start < samples.count { events.append(SamplesAdded(samples: Array(samples[start...]), by: by)) }
        return events
    }
}

extension NewSample {
    /// An upper bound of this sample's protobuf encoding in a `SamplesAdded` event: its
    /// strings plus a generous allowance per field (tags, lengths, numbers, boxes).
    public var encodedSizeBound: Int {
        func label(_ label: SampleLabel) -> Int {
            let annotator: Int = switch label.annotator {
            case let .human(name): name.utf8.count
            case let .activeLearning(task): task.rawValue.utf8.count
            case let .preLabelModel(name, version): name.utf8.count + version.utf8.count
            }
            return 128 + label.name.utf8.count + annotator
        }
        var bytes = 256 + id.rawValue.utf8.count + name.utf8.count + sourcePath.utf8.count + contentSHA256.utf8.count
        bytes += initialLabels.reduce(0) { $0 + label($1) } + initialPredictions.reduce(0) { $0 + label($1) }
        if let mark = initialHardMark {
            let origin: Int = switch mark.origin {
            case let .person(name): name.utf8.count
            case let .task(task): task.rawValue.utf8.count
            }
            bytes += 64 + 8 * mark.reasons.count + origin
        }
        return bytes
    }
}
