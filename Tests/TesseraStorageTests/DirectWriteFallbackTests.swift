#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import TesseraBlobStoreFileSystem
import TesseraStorage
import TesseraTestSupport

/// Where the file system refuses direct I/O, a small blob is written through the page cache instead,
/// whole and durable; any other failure to create the file is reported, not worked around.
struct DirectWriteFallbackTests {
    static func write(_ bytes: [UInt8], to path: String, openDirect: (String) -> Int32) throws {
        let pool = AlignedBufferPool(bufferSize: 1 << 20, keep: 1)
        let buffer = try pool.take()
        defer { pool.give(buffer) }
        bytes.withUnsafeBytes { raw in
            if let source = raw.baseAddress { buffer.base.copyMemory(from: source, byteCount: raw.count) }
        }
        try DirectFileWrite.createDurable(path, from: buffer, length: bytes.count, openDirect: openDirect)
    }

    @Test func aRefusedDirectOpenFallsBackToABufferedWrite() async throws {
        try await TestData.withTemporaryDirectory { root in
            let path = root + "/block"
            let bytes = TestData.bytes(count: 524_288 - 100, seed: 901)
            // As some kernels do: the file is created, then the flag refused with EINVAL.
            try Self.write(bytes, to: path) { path in
                let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
                if fd >= 0 { close(fd) }
                errno = EINVAL
                return -1
            }
            let written = try #require(FileManager.default.contents(atPath: path))
            #expect(Array(written) == bytes, "the whole blob, no padding")
        }
    }

    @Test func anotherOpenFailureIsReported() async throws {
        try await TestData.withTemporaryDirectory { root in
            let path = root + "/block"
            #expect(throws: StorageError.self) {
                try Self.write(TestData.bytes(count: 4096, seed: 902), to: path) { _ in
                    errno = EACCES
                    return -1
                }
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
