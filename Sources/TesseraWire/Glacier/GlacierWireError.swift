import Foundation

/// A Glacier error as it travels: status, and the body `{"code","message","type"}`.
public struct GlacierWireError: Error, Sendable, Equatable {
    public let code: GlacierErrorCode
    public let message: String

    public init(_ code: GlacierErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var status: Int { code.status }

    /// The JSON body.
    public var body: [UInt8] {
        let document = ["code": code.rawValue, "message": message, "type": code.type]
        return Array((try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }
}
