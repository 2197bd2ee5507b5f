import Foundation
import GRDB

/// Opening a SQLite database of the data directory so that reading it writes nothing:
/// no file, `-wal` or `-shm` is created, and none is changed.
///
/// A database with no WAL beside it is opened `immutable` (SQLite reads the main file
/// and takes no lock). One whose writer left a WAL and its shared-memory index is opened
/// read-only through them, so the reader sees every committed transaction; SQLite does
/// that without creating anything. Only `verify` and other read-only tools use it.
package enum ReadOnlySQLite {
    /// The URI GRDB (and SQLite, built with URI file names, as Debian's is) opens for `path`.
    package static func uri(path: String) -> String {
        let files = FileManager.default
        let walSize = (try? files.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
        let throughWAL = walSize > 0 && files.fileExists(atPath: path + "-shm")
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return "file:" + escaped + (throughWAL ? "?mode=ro" : "?immutable=1")
    }

    /// A read-only configuration (on top of `base`).
    package static func configuration(_ base: Configuration = Configuration()) -> Configuration {
        SQLiteProcessSetup.ensure()
        var configuration = base
        configuration.readonly = true
        return configuration
    }
}
