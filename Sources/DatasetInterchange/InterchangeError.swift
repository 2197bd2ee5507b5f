import LabelingService

/// One thing wrong with an import source, located by file and line.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    /// The manifest, annotation or image file.
    public var file: String
    /// 1-based line of a manifest; 0 when the problem is about a whole file.
    public var line: Int
    /// A stable code: `LabelLedger.Import.NNN`, or the domain rule's code.
    public var code: String
    public var message: String

    public init(file: String, line: Int, code: String, message: String) {
        self.file = file
        self.line = line
        self.code = code
        self.message = message
    }

    public var description: String { "\(file)\(line > 0 ? ":\(line)" : ""): [\(code)] \(message)" }
}

/// Failures of import and export, each with a stable code and a message naming the rule.
public enum InterchangeError: Error, Sendable, CustomStringConvertible {
    /// The import found problems and wrote nothing (run with `--partial` to import the rest).
    case importRefused([ImportProblem])
    case badVOC(reason: String)
    case sourceNotFound(path: String)
    case datasetNotFound(String)
    /// An export format that cannot represent this dataset type.
    case unsupportedFormat(format: String, reason: String)
    case io(path: String, reason: String)
    case service(ServiceError)
    /// A streamed export's reader stopped reading (a client that went away): the export stops.
    case exportAbandoned(reason: String)
    /// One file of a streamed ZIP export reached 4 GiB (``ZipStreamWriter``).
    case archiveEntryTooLarge(path: String, bytes: UInt64)

    public var code: String {
        switch self {
        case .importRefused: "LabelLedger.Import.100"
        case .badVOC: "LabelLedger.Import.006"
        case .sourceNotFound: "LabelLedger.Import.101"
        case .datasetNotFound: "LabelLedger.1004"
        case .unsupportedFormat: "LabelLedger.Export.001"
        case .io: "LabelLedger.Export.002"
        case let .service(error): error.code
        case .exportAbandoned: "LabelLedger.Export.020"
        case .archiveEntryTooLarge: "LabelLedger.Export.021"
        }
    }

    public var message: String {
        switch self {
        case let .importRefused(problems):
            "the import has \(problems.count) problem(s) and wrote nothing; first: \(problems.first.map(\.description) ?? "-")"
        case let .badVOC(reason): "Pascal VOC annotation: \(reason)"
        case let .sourceNotFound(path): "import source \(path) does not exist"
        case let .datasetNotFound(id): "dataset '\(id)' does not exist"
        case let .unsupportedFormat(format, reason): "export format \(format): \(reason)"
        case let .io(path, reason): "\(path): \(reason)"
        case let .service(error): error.message
        case let .exportAbandoned(reason): "the export stopped: \(reason)"
        case let .archiveEntryTooLarge(path, bytes):
            "\(path) reached \(bytes) bytes: a file in a ZIP export must stay under 4 GiB (export it from the command line)"
        }
    }

    public var description: String { "[\(code)] \(message)" }
}
