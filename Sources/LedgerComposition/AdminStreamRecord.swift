/// One line of an admin stream (`POST /admin/import`, `POST /admin/rebuild`): the server
/// writes one JSON object per line as the work goes on, the command line shows each as it
/// would have shown the same step run locally. The last line is ``imported``, ``rebuilt`` or
/// ``failed``.
///
/// Wire form (Swift's keyed enum coding): `{"progress":{"done":3,"total":10}}`,
/// `{"failed":{"code":"LabelLedger.Import.100","message":"…","problems":[…]}}`.
public enum AdminStreamRecord: Codable, Sendable, Equatable {
    /// A problem of an import, with its file and line (0: the whole file).
    public struct Problem: Codable, Sendable, Equatable {
        public var file: String
        public var line: Int
        public var code: String
        public var message: String

        public init(file: String, line: Int, code: String, message: String) {
            self.file = file
            self.line = line
            self.code = code
            self.message = message
        }
    }

    /// A rebuilt projection and the generation now live.
    public struct Rebuilt: Codable, Sendable, Equatable {
        public var name: String
        public var codeVersion: Int
        public var generation: Int

        public init(name: String, codeVersion: Int, generation: Int) {
            self.name = name
            self.codeVersion = codeVersion
            self.generation = generation
        }
    }

    /// Import: images read so far.
    case progress(done: Int, total: Int)
    /// Import: the samples about to be appended in one atomic commit group.
    case appending(count: Int)
    /// Import finished: what was accepted, where it was appended (nil: nothing written).
    case imported(accepted: Int, problems: [Problem], firstPosition: UInt64?, lastPosition: UInt64?, dryRun: Bool)
    /// Rebuild: events applied to the new generations so far.
    case rebuildProgress(projections: [String], applied: UInt64, target: UInt64, elapsedSeconds: Double)
    /// Rebuild finished.
    case rebuilt(projections: [Rebuilt], checkpoint: UInt64, events: UInt64, elapsedSeconds: Double)
    /// The work failed; nothing of it was written (an import is all or nothing).
    case failed(code: String, message: String, problems: [Problem])
}
