/// How a dataset of a project is named: the API's `/v2/{project_id}/datasets/{dataset_id}` is
/// the stream `<project_id>/<dataset_id>`; the command line's `--project P --dataset D` names
/// the same one. A dataset id without a `/` belongs to no project (the API lists it under
/// none).
///
/// Invariant: `DatasetID(project: p, id: d).project == p` and `.publicID == d` for every
/// project `p` without a `/` and every `d`.
extension DatasetID {
    /// The dataset `id` of `project`; without a project, `id` as given. An `id` that already
    /// starts with `<project>/` (the full id) is taken as it is.
    public init(project: String?, id: String) {
        guard let project, !id.hasPrefix(project + "/") else {
            self.init(id)
            return
        }
        self.init("\(project)/\(id)")
    }

    /// The project the dataset belongs to, nil for one created without a project.
    public var project: String? {
        rawValue.firstIndex(of: "/").map { String(rawValue[..<$0]) }
    }

    /// The id the API shows for it: the part after `<project>/`.
    public var publicID: String {
        rawValue.firstIndex(of: "/").map { String(rawValue[rawValue.index(after: $0)...]) } ?? rawValue
    }
}
