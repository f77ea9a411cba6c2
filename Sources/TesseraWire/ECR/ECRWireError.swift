import Foundation

/// An ECR or ECR Public error as it travels (JSON 1.1): status 400 for every client exception and 500 for
/// `ServerException`, body `{"__type": "<Exception>", "message": "…"}` plus modeled members such as
/// `lastValidByteReceived`. botocore reads the code from `__type` and the message from `message` or `Message`;
/// `AccessDeniedException` is written with `Message`, as ECR does (see docs/aws/ecr.md#errors).
public struct ECRWireError: Error, Sendable, Equatable {
    public let code: String
    public let message: String
    /// Modeled members besides the message, e.g. `lastValidByteReceived`, `registryId`, `uploadId`.
    public let members: [String: ECRMemberValue]
    public let status: Int

    public init(_ code: String, _ message: String, members: [String: ECRMemberValue] = [:], status: Int? = nil) {
        self.code = code
        self.message = message
        self.members = members
        self.status = status ?? (code == "ServerException" ? 500 : 400)
    }

    /// The same error with more modeled members.
    public func adding(_ more: [String: ECRMemberValue]) -> ECRWireError {
        ECRWireError(code, message, members: members.merging(more) { current, _ in current }, status: status)
    }

    /// The JSON body.
    public var body: [UInt8] {
        var document: [String: Any] = ["__type": code, code == "AccessDeniedException" ? "Message" : "message": message]
        for (name, value) in members {
            switch value {
            case .string(let text): document[name] = text
            case .integer(let number): document[name] = number
            }
        }
        return Array((try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }
}

/// A modeled error member's value.
public enum ECRMemberValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
}
