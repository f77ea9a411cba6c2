/// Why ``StreamingJSONObjectReader`` refused a body. The message says where and what, for the client.
public struct StreamingJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not JSON, or not one object of scalar members.
        case syntax
        /// A member appears twice.
        case duplicateMember
        /// A key or a kept string is longer than the reader keeps.
        case tooLong
        /// The streamed member is not valid base64.
        case invalidBase64
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
