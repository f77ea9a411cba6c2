import NIOCore

/// The JSON body of an UploadLayerPart request, built as the part is read: the members first, then the
/// part's bytes base64-encoded straight into the body a slice at a time, so the raw part is never held whole
/// beside its encoding.
public struct ECRLayerPartBody: Sendable {
    public private(set) var buffer: ByteBuffer
    /// Raw bytes appended so far.
    public private(set) var count: Int64 = 0
    private var pending: [UInt8] = []

    public init(repository: String, uploadID: String, first: Int64, last: Int64) {
        let head = "{\"repositoryName\":\(ECRClient.jsonString(repository)),\"uploadId\":\(ECRClient.jsonString(uploadID)),"
            + "\"partFirstByte\":\(first),\"partLastByte\":\(last),\"layerPartBlob\":\""
        let encodedLength = Int((last - first + 1 + 2) / 3 * 4)
        buffer = ByteBufferAllocator().buffer(capacity: head.utf8.count + encodedLength + 2)
        buffer.writeString(head)
    }

    /// Encodes `bytes`; any tail that is not a whole group of three waits for the next call or ``finish()``.
    public mutating func append(_ bytes: ByteBuffer) {
        count += Int64(bytes.readableBytes)
        var input = bytes
        if !pending.isEmpty {
            while pending.count < 3, let byte = input.readInteger(as: UInt8.self) { pending.append(byte) }
            guard pending.count == 3 else { return }
            pending.withUnsafeBytes { encode($0) }
            pending.removeAll()
        }
        let whole = input.readableBytes / 3 * 3
        input.withUnsafeReadableBytes { encode(UnsafeRawBufferPointer(rebasing: $0.prefix(whole))) }
        input.moveReaderIndex(forwardBy: whole)
        pending = Array(input.readableBytesView)
    }

    /// Encodes the tail (with `=` padding) and closes the JSON object.
    public mutating func finish() -> ByteBuffer {
        if !pending.isEmpty {
            let tail = pending + [UInt8](repeating: 0, count: 3 - pending.count)
            tail.withUnsafeBytes { encode($0) }
            let padding = 3 - pending.count
            buffer.moveWriterIndex(to: buffer.writerIndex - padding)
            buffer.writeRepeatingByte(UInt8(ascii: "="), count: padding)
            pending.removeAll()
        }
        buffer.writeString("\"}")
        return buffer
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes whole groups of three bytes.
    private mutating func encode(_ input: UnsafeRawBufferPointer) {
        let groups = input.count / 3
        guard groups > 0 else { return }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: groups * 4) { output in
            Self.alphabet.withUnsafeBufferPointer { table in
                var o = 0
                var i = 0
                for _ in 0..<groups {
                    let value = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    output[o] = table[Int(value >> 18 & 63)]
                    output[o + 1] = table[Int(value >> 12 & 63)]
                    output[o + 2] = table[Int(value >> 6 & 63)]
                    output[o + 3] = table[Int(value & 63)]
                    i += 3
                    o += 4
                }
            }
            return groups * 4
        }
    }
}
