#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import TesseraStorage

/// A page-aligned region of memory that direct I/O can write from. It is a plain pointer: whoever took it
/// from an ``AlignedBufferPool`` owns it until giving it back, and only one task touches it at a time.
struct AlignedBuffer: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let capacity: Int

    func bytes(count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }
}

/// Aligned buffers of one size, kept for reuse so a busy store neither maps nor faults in fresh memory for
/// every blob it receives.
final class AlignedBufferPool: @unchecked Sendable {
    static let alignment = 4096
    static let shared = AlignedBufferPool(bufferSize: 1 << 20, keep: 32)

    /// `length` rounded up to ``alignment``: what a direct read or write of `length` bytes must ask for.
    static func padded(_ length: Int) -> Int {
        (length + alignment - 1) / alignment * alignment
    }

    let bufferSize: Int
    let keep: Int
    private let lock = NIOLock()
    // Guarded by `lock`.
    private var idle: [UnsafeMutableRawPointer] = []

    init(bufferSize: Int, keep: Int) {
        self.bufferSize = bufferSize
        self.keep = keep
    }

    func take() throws -> AlignedBuffer {
        if let memory = lock.withLock({ idle.popLast() }) {
            return AlignedBuffer(base: memory, capacity: bufferSize)
        }
        var memory: UnsafeMutableRawPointer?
        guard posix_memalign(&memory, Self.alignment, bufferSize) == 0, let memory else {
            throw StorageError.backend("posix_memalign of \(bufferSize) bytes failed")
        }
        return AlignedBuffer(base: memory, capacity: bufferSize)
    }

    /// Takes a buffer back; the caller must not touch it afterwards.
    func give(_ buffer: AlignedBuffer) {
        let kept = lock.withLock {
            guard idle.count < keep else { return false }
            idle.append(buffer.base)
            return true
        }
        if !kept { free(buffer.base) }
    }

    deinit {
        for memory in idle { free(memory) }
    }
}
