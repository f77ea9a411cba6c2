import Foundation
import TesseraClient

/// The file a command reads: opened once, its size and identity (for resume journals) taken from `fstat`.
/// `-` is standard input, a stream of unknown size that cannot be resumed.
struct LocalInput: Sendable {
    let descriptor: Int32
    /// nil for a stream.
    let size: Int64?
    /// Absolute path, size and modification time; nil for a stream.
    let identity: [String: String]?
    private let owned: Bool

    static func open(_ path: String) throws -> LocalInput {
        if path == "-" {
            return LocalInput(descriptor: STDIN_FILENO, size: nil, identity: nil, owned: false)
        }
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LocalFileError(path: path, code: errno, doing: "open") }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            Foundation.close(fd)
            throw LocalFileError(path: path, code: errno, doing: "stat")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            Foundation.close(fd)
            return LocalInput(descriptor: Foundation.open(path, O_RDONLY | O_CLOEXEC), size: nil, identity: nil, owned: true)
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let modified = "\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
        return LocalInput(descriptor: fd, size: Int64(status.st_size),
                          identity: ["path": absolute, "size": String(status.st_size), "mtime": modified], owned: true)
    }

    func close() {
        if owned { Foundation.close(descriptor) }
    }
}
