import Foundation

/// A local file that cannot be opened, read or written, with the system's reason (a full disk says so).
public struct LocalFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let code: Int32
    /// What was being done: `open`, `stat`, `write`.
    public let doing: String

    public init(path: String, code: Int32, doing: String) {
        self.path = path
        self.code = code
        self.doing = doing
    }

    public var description: String { "cannot \(doing) \(path): \(String(cString: strerror(code)))" }
}
