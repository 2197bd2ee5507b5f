import Foundation
import Projections
import Testing
import TestSupport

/// The real data the tests and the golden snapshots are made from comes with the
/// repository (`Tests/Data/`), byte for byte the files its README names and traces to their
/// PyPI packages: an edited copy would leave the goldens in `Snapshots/` unreproducible.
@Suite struct TestDataTests {
    @Test func every_data_file_has_the_size_and_sha256_its_readme_names() throws {
        let readme = try String(
            contentsOf: TestData.repositoryRoot.appendingPathComponent("Tests/Data/README.md"), encoding: .utf8)
        // Table rows: | `name` | bytes | `sha256` | shipped in |
        var named: [String: (bytes: Int, sha256: String)] = [:]
        for line in readme.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let bytes = try #require(Int(cells[1].filter(\.isNumber)), "\(line)")
            named[name] = (bytes, cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "`")))
        }
        #expect(Set(named.keys) == ["digits.csv.gz", "SOAP_061.png", "SOAP_061.xml"])
        for (name, expected) in named {
            let data = try Data(contentsOf: TestData.directory.appendingPathComponent(name))
            var digest = ProjectionDigest()
            digest.update(data)
            #expect(data.count == expected.bytes, "\(name)")
            #expect(digest.finalize() == expected.sha256, "\(name)")
        }
    }
}
