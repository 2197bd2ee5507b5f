import Foundation

/// Gives each exported sample its Pascal VOC file: a path relative to the export folder,
/// unique within one export.
///
/// The rule (FORMATS.md): the sample name with its extension replaced by `.xml`, keeping
/// its sub-folders (`a/b.png` → `a/b.xml`, `a_b.png` → `a_b.xml`, `x.png` → `x.xml`), as VOC
/// tools expect. Path components that could leave the folder (`..`, `.`, empty) are
/// replaced by `_`. When that file is already taken by a sample earlier in the export
/// (`x.png` and `x.jpg`), the name keeps its extension (`x.jpg.xml`), then gains `~2`,
/// `~3`, … before `.xml`.
///
/// Invariants: names are assigned in export order (samples sorted by name), so the same
/// samples always get the same files; no two samples share a file, and no file is also
/// a folder of another.
struct VOCFileNames {
    private var files: Set<String> = []
    private var folders: Set<String> = []

    /// The file for the next sample of the export.
    mutating func assign(_ sampleName: String) -> String {
        var components = sampleName.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            part.isEmpty || part == "." || part == ".." ? "_" : String(part)
        }
        let last = components.removeLast()
        let folder = components.map { $0 + "/" }.joined()
        let stem = (last as NSString).deletingPathExtension
        var candidates = [folder + (stem.isEmpty ? last : stem) + ".xml", folder + last + ".xml"]
        var attempt = 2
        while true {
            for candidate in candidates where isFree(candidate) {
                claim(candidate)
                return candidate
            }
            candidates = [folder + (stem.isEmpty ? last : stem) + "~\(attempt).xml"]
            attempt += 1
        }
    }

    private func isFree(_ path: String) -> Bool {
        guard !files.contains(path), !folders.contains(path) else { return false }
        return !parentFolders(of: path).contains { files.contains($0) }
    }

    private mutating func claim(_ path: String) {
        files.insert(path)
        folders.formUnion(parentFolders(of: path))
    }

    private func parentFolders(of path: String) -> [String] {
        let parts = path.split(separator: "/")
        return (1..<max(parts.count, 1)).map { parts[0..<$0].joined(separator: "/") }
    }
}
