import CTesseraSHA256
import TesseraCore

/// A SHA-256 computation whose state can be saved between requests and resumed, possibly on another
/// node after a restart: a layer uploaded in parts is hashed part by part, and the state after each part is
/// kept with the upload, so completing it costs no read of the layer.
///
/// The saved form (``savedState``) is 108 bytes: the eight chaining words, the byte count, the unprocessed
/// bytes of the last block and how many there are, big-endian. It is stable across versions: uploads in
/// progress survive an upgrade.
public struct ResumableSHA256: Sendable, Equatable {
    private var state: tessera_sha256_state

    /// Length of ``savedState``.
    public static let savedStateLength = 108

    /// A new computation over no bytes.
    public init() {
        state = tessera_sha256_state()
        tessera_sha256_init(&state)
    }

    /// Resumes from ``savedState``; nil when `saved` is not one.
    public init?(savedState saved: [UInt8]) {
        guard saved.count == Self.savedStateLength else { return nil }
        var restored = tessera_sha256_state()
        var words: [UInt32] = []
        for index in 0..<8 { words.append(Self.readUInt32(saved, at: index * 4)) }
        let length = UInt64(Self.readUInt32(saved, at: 32)) << 32 | UInt64(Self.readUInt32(saved, at: 36))
        let buffered = Self.readUInt32(saved, at: 104)
        guard buffered < 64, length % 64 == UInt64(buffered) else { return nil }
        withUnsafeMutableBytes(of: &restored.h) { raw in
            for (index, word) in words.enumerated() { raw.storeBytes(of: word, toByteOffset: index * 4, as: UInt32.self) }
        }
        restored.length = length
        withUnsafeMutableBytes(of: &restored.buffer) { raw in
            for index in 0..<64 { raw[index] = saved[40 + index] }
        }
        restored.buffered = buffered
        state = restored
    }

    /// Adds bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        tessera_sha256_update(&state, base, bytes.count)
    }

    /// Adds bytes held in an array.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// How many bytes have been added.
    public var byteCount: Int64 { Int64(state.length) }

    /// The digest of everything added so far; more bytes may be added afterwards.
    public func finalize() -> SHA256Value {
        var out = [UInt8](repeating: 0, count: 32)
        withUnsafePointer(to: state) { pointer in
            out.withUnsafeMutableBufferPointer { tessera_sha256_final(pointer, $0.baseAddress) }
        }
        return SHA256Value(bytes: out) ?? .empty
    }

    /// The state as bytes, to keep and resume from with ``init(savedState:)``.
    public var savedState: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.savedStateLength)
        withUnsafeBytes(of: state.h) { raw in
            for index in 0..<8 { Self.append(raw.load(fromByteOffset: index * 4, as: UInt32.self), to: &out) }
        }
        Self.append(UInt32(truncatingIfNeeded: state.length >> 32), to: &out)
        Self.append(UInt32(truncatingIfNeeded: state.length), to: &out)
        withUnsafeBytes(of: state.buffer) { out.append(contentsOf: $0) }
        Self.append(state.buffered, to: &out)
        return out
    }

    /// Whether the hardware SHA instructions are in use (for benchmarks' reports).
    public static var usesHardware: Bool { tessera_sha256_uses_hardware() != 0 }

    public static func == (lhs: ResumableSHA256, rhs: ResumableSHA256) -> Bool { lhs.savedState == rhs.savedState }

    private static func append(_ value: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value >> 24))
        out.append(UInt8(truncatingIfNeeded: value >> 16))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
