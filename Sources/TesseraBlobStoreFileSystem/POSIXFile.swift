#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CTesseraLinux
import Foundation
import TesseraStorage

/// Thin, blocking wrappers over the system calls the blob store needs, each failing with a
/// ``StorageError/backend(_:)`` that names the call, the path and errno's text. Call them from a thread
/// pool, never from the cooperative pool.
enum POSIXFile {
    /// The error of a failed call: ``StorageError/outOfSpace(_:)`` for a full disk or quota, else ``StorageError/backend(_:)``.
    static func failure(_ call: String, _ path: String, _ code: Int32 = errno) -> StorageError {
        let text = "\(call) \(path): \(String(cString: strerror(code)))"
        return code == ENOSPC || code == EDQUOT ? .outOfSpace(text) : .backend(text)
    }

    static func openNew(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("open", path) }
        return fd
    }

    static func openRead(_ path: String) throws -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw failure("open", path)
        }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            guard let base = bytes.baseAddress else { return }
            let written = write(fd, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    /// Reads up to `count` bytes at `offset`; returns fewer only at end of file.
    static func readAt(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            guard let base = buffer.baseAddress else { return 0 }
            let got = pread(fd, base + filled, buffer.count - filled, off_t(offset) + off_t(filled))
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("pread", path)
            }
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    /// Asks the kernel to start writing a range back to disk now, without waiting, so the fsync that
    /// ends a large write finds little left to flush (Linux; a no-op elsewhere). Only a hint: its
    /// failure changes nothing, since the fsync before commit is what makes the bytes durable.
    static func startWriteback(_ fd: Int32, offset: Int64, length: Int64) {
        _ = ctessera_start_writeback(fd, offset, length)
    }

    /// Makes a file's bytes durable: fdatasync, which also flushes the size (the metadata reading them
    /// needs) but not timestamps. The name is made durable by syncing its directory.
    static func syncData(_ fd: Int32, path: String) throws {
        guard fdatasync(fd) == 0 else { throw failure("fdatasync", path) }
    }

    /// fsync: data and every piece of metadata (used on directories, whose entries are their data).
    static func sync(_ fd: Int32, path: String) throws {
        guard fsync(fd) == 0 else { throw failure("fsync", path) }
    }

    static func close(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #elseif canImport(Musl)
        _ = Musl.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    static func size(of path: String) throws -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw failure("stat", path)
        }
        return Int64(info.st_size)
    }

    /// When the file was last modified, or nil when it does not exist.
    static func modificationTime(of path: String) throws -> Date? {
        try modificationTimeAndSize(of: path)?.modified
    }

    /// The file's modification time and size; nil when it does not exist.
    static func modificationTimeAndSize(of path: String) throws -> (modified: Date, size: Int64)? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw failure("stat", path)
        }
        return (Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9), Int64(info.st_size))
    }

    /// Sets the file's modification time to now.
    static func touch(_ path: String) throws {
        guard utimensat(AT_FDCWD, path, nil, 0) == 0 else { throw failure("utimensat", path) }
    }

    static func size(ofDescriptor fd: Int32, path: String) throws -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("fstat", path) }
        return Int64(info.st_size)
    }

    /// Renames; fsync the destination's directory afterwards for the new name to survive a crash.
    static func move(_ from: String, to destination: String) throws {
        guard rename(from, destination) == 0 else { throw failure("rename", destination) }
    }

    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        try sync(fd, path: path)
    }

    /// Creates a directory and its parents; existing ones are fine.
    static func makeDirectories(_ path: String) throws {
        var built = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            built += "/" + component
            if mkdir(built, 0o755) != 0 && errno != EEXIST { throw failure("mkdir", built) }
        }
    }

    static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw failure("unlink", path) }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Names in a directory (without . and ..); empty when it does not exist.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return [] }
            throw failure("opendir", path)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
