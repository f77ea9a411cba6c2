import Foundation
import NIOCore
import TesseraCore

/// A request before signing: the method, the path as it goes on the wire (already percent-encoded), the query
/// parameters (encoded when sent), headers, and a body: held as buffers, or generated piece by piece.
public struct AWSRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [ByteBuffer]
    /// A body made as it is sent, in place of ``body`` when set.
    public var generatedBody: (any AWSGeneratedBody)?
    /// The SHA-256 of the body when the caller has it already (a part hashed as it was read); computed otherwise.
    public var payloadSHA256: SHA256Value?

    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)] = [], body: [ByteBuffer] = [],
                generatedBody: (any AWSGeneratedBody)? = nil, payloadSHA256: SHA256Value? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.generatedBody = generatedBody
        self.payloadSHA256 = payloadSHA256
    }

    /// A request whose body is `json`'s UTF-8 bytes.
    public static func json(method: String, path: String, body json: [UInt8],
                            headers: [(name: String, value: String)] = []) -> AWSRequest {
        AWSRequest(method: method, path: path, headers: headers + [("Content-Type", "application/json")],
                   body: json.isEmpty ? [] : [ByteBuffer(bytes: json)])
    }

    /// A Query-protocol request (EC2, STS): a POST of `parameters` form-encoded, in order.
    public static func query(_ parameters: [(name: String, value: String)]) -> AWSRequest {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let form = parameters.map { "\($0.name)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }
        return AWSRequest(method: "POST", path: "/",
                          headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                          body: [ByteBuffer(string: form.joined(separator: "&"))])
    }

    public var bodyLength: Int { generatedBody?.length ?? body.reduce(0) { $0 + $1.readableBytes } }
}

/// A response whose body was read in full (bounded by the caller).
public struct AWSResponse: Sendable {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// The buffers of a request body, handed to the HTTP client one by one.
struct ByteBufferChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let buffers: [ByteBuffer]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<ByteBuffer>
        mutating func next() async -> ByteBuffer? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: buffers[...]) }
}
