/// A request that got no usable answer: the server could not be reached, the connection dropped, the
/// deadline passed, or the answer was not what the protocol promises.
public struct AWSTransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unreachable
        case connectionLost
        case timedOut
        case malformedResponse
        /// The server's TLS certificate is not one this client trusts.
        case untrustedCertificate
    }

    public let kind: Kind
    public let endpoint: String
    public let detail: String

    public init(_ kind: Kind, endpoint: String, detail: String) {
        self.kind = kind
        self.endpoint = endpoint
        self.detail = detail
    }

    /// A malformed answer or an untrusted certificate is not retried: trying again gets the same answer.
    public var isRetryable: Bool { kind != .malformedResponse && kind != .untrustedCertificate }

    public var description: String {
        switch kind {
        case .unreachable: "cannot reach \(endpoint) (\(detail)): is the server running, and is --endpoint-url right?"
        case .connectionLost: "the connection to \(endpoint) dropped (\(detail))"
        case .timedOut: "\(endpoint) did not answer in time (\(detail))"
        case .malformedResponse: "unexpected answer from \(endpoint): \(detail)"
        case .untrustedCertificate:
            "the TLS certificate of \(endpoint) is not trusted (\(detail)): pass --ca-bundle FILE or set AWS_CA_BUNDLE"
        }
    }
}
