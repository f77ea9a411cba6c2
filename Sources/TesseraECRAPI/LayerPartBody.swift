import Crypto
import NIOCore
import TesseraCore
import TesseraEngine
import TesseraWire

/// An UploadLayerPart request body as it streams: the JSON is read as it arrives (``StreamingJSONObjectReader``),
/// its bytes hashed for the signature check, and the decoded `layerPartBlob` handed on chunk by chunk, so
/// neither the 28 MB of JSON nor the 20 MiB part is ever held whole.
///
/// Iterate it once; afterwards ``state`` holds the other members and the body's SHA-256.
struct LayerPartBody<Base: AsyncSequence>: AsyncSequence where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let base: Base
    let state: LayerPartBodyState

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let state: LayerPartBodyState

        mutating func next() async throws -> ByteBuffer? {
            do {
                while let buffer = try await base.next() {
                    let decoded = try state.read(buffer)
                    if !decoded.isEmpty { return ByteBuffer(bytes: decoded) }
                }
                try state.finish()
                return nil
            } catch let error as StreamingJSONError {
                // The envelope is malformed: the door answers SerializationException, not "interrupted".
                throw BlobIngest.BodyRefused(error)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), state: state)
    }
}

/// What ``LayerPartBody`` has read so far. Used by the one task that handles the request.
final class LayerPartBodyState {
    /// The most JSON bytes read: a 20 MiB part in base64 is about 28 MB.
    static let maximumBodyLength: Int64 = 32 << 20

    private var reader = StreamingJSONObjectReader(streamedMember: "layerPartBlob")
    private var hasher = SHA256()
    private var length: Int64 = 0
    private(set) var bodySHA256: SHA256Value?

    /// Members that came before `layerPartBlob`, once it has begun.
    var membersBeforeBlob: [String: JSONScalar]? { reader.membersBeforeStream }
    /// Every scalar member.
    var members: [String: JSONScalar] { reader.members }
    var sawBlob: Bool { reader.sawStreamedMember }

    func read(_ buffer: ByteBuffer) throws -> [UInt8] {
        length += Int64(buffer.readableBytes)
        guard length <= Self.maximumBodyLength else {
            throw StreamingJSONError(.tooLong, "The request body is larger than \(Self.maximumBodyLength) bytes")
        }
        try buffer.withUnsafeReadableBytes { raw in
            hasher.update(bufferPointer: raw)
            try reader.feed(raw)
        }
        return reader.takeDecoded()
    }

    func finish() throws {
        try reader.finish()
        bodySHA256 = SHA256Value(bytes: Array(hasher.finalize()))
    }
}
