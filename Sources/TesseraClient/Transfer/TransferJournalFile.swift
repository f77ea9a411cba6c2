import Foundation

/// Writes a ``TransferJournal``: the header when the transfer starts, then one line per verified part, each
/// flushed with `fsync` before the part counts as done. Appends from concurrent parts are serialised.
public final class TransferJournalFile: Sendable {
    public let url: URL
    private let descriptor: LockedValue<Int32>

    /// Starts a new journal at `url` (replacing any), holding `header`.
    public init(creating url: URL, header: TransferJournal.Header) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.appendingPathExtension("new")
        var line = try JSONEncoder.sortedKeys.encode(header)
        line.append(UInt8(ascii: "\n"))
        try line.write(to: temporary)
        let fd = open(temporary.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw TransferJournalError.cannotWrite(url.path, errno) }
        fsync(fd)
        guard rename(temporary.path, url.path) == 0 else {
            close(fd)
            throw TransferJournalError.cannotWrite(url.path, errno)
        }
        Self.syncDirectory(of: url)
        self.url = url
        descriptor = LockedValue(fd)
    }

    /// Continues an existing journal at `url`.
    public init(appendingTo url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw TransferJournalError.cannotWrite(url.path, errno) }
        self.url = url
        descriptor = LockedValue(fd)
    }

    deinit {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
        }
    }

    public func record(_ entry: TransferJournal.Entry) throws {
        var line = try JSONEncoder.sortedKeys.encode(entry)
        line.append(UInt8(ascii: "\n"))
        try descriptor.withLock { fd in
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == line.count, fsync(fd) == 0 else { throw TransferJournalError.cannotWrite(url.path, errno) }
        }
    }

    /// The transfer is complete: the journal goes.
    public func remove() {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
        unlink(url.path)
    }

    private static func syncDirectory(of url: URL) {
        let fd = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

public enum TransferJournalError: Error, Sendable, CustomStringConvertible {
    case cannotWrite(String, Int32)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let code): "cannot write the resume journal \(path): \(String(cString: strerror(code)))"
        }
    }
}

extension JSONEncoder {
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
