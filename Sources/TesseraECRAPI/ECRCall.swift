import Foundation
import Hummingbird
import NIOCore
import TesseraEngine
import TesseraFrontDoor
import TesseraStorage
import TesseraWire

/// One ECR or ECR Public request on its way to the registry service: who calls, which registry, and the body.
struct ECRCall {
    let request: Request
    let context: TesseraRequestContext
    let caller: RegistryCaller
    let registry: RegistryKind

    /// The JSON 1.1 bodies the door collects are small; UploadLayerPart streams instead. PutImage carries a
    /// manifest of up to 4 MiB, which JSON escaping can make larger.
    static let maximumBodyLength = 16 << 20

    /// Decodes the request body as `T`, held to the signed payload hash.
    func input<T: Decodable>(_ type: T.Type) async throws -> T {
        switch try await request.collectVerifiedBody(context: context, limit: Self.maximumBodyLength) {
        case .tooLarge:
            throw ECRWireError.serialization("The request body is larger than \(Self.maximumBodyLength) bytes")
        case .incomplete:
            throw ECRWireError.serialization("The request body ended before its Content-Length")
        case .hashMismatch:
            throw ECRWireError("InvalidSignatureException", "The request body does not match its signed hash")
        case .bytes(let buffer):
            let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
            do {
                return try JSONDecoder().decode(T.self, from: data)
            } catch {
                throw ECRWireError.serialization("The request body is not valid JSON for this operation")
            }
        }
    }

    /// A required member, or the validation error a missing one gets.
    func required<T>(_ value: T?, _ member: String) throws -> T {
        guard let value else { throw Self.missing(member) }
        return value
    }

    /// The validation error for a required member that is absent.
    static func missing(_ member: String) -> ECRWireError {
        ECRWireError("ValidationException", "1 validation error detected: Value null at '\(member)' failed to satisfy constraint: Member must not be null")
    }

    /// The base URL the client reached this server at (`http://HOST:PORT`), for proxy endpoints and download URLs.
    var baseURL: String {
        let host = request.head.authority ?? "127.0.0.1"
        return "http://\(host)"
    }
}
