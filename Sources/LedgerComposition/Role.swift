/// What a token may do. Each role includes the ones before it.
///
/// - labeler: label, confirm, reject, mark hard; read everything of its project.
/// - reviewer: labeler + start and stop auto-labeling tasks.
/// - admin: reviewer + datasets, labels, samples import/delete, models, tokens.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case labeler
    case reviewer
    case admin

    var rank: Int {
        switch self {
        case .labeler: 0
        case .reviewer: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
