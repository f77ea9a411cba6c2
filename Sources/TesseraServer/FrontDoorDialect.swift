import Hummingbird
import TesseraFrontDoor
import TesseraSigV4

/// One protocol the server speaks, as the shared middleware sees it: which requests are its own, how it
/// words a refused signature and an unknown operation, and whether its door reads a signed body itself as
/// it streams. Adding a door means adding a dialect to ``FrontDoorDialect/all``, not editing switches.
struct FrontDoorDialect: Sendable {
    let name: String
    /// Whether a request is aimed at this protocol.
    let claims: @Sendable (Request) -> Bool
    /// The response to a request whose signature was refused.
    let authFailure: @Sendable (SigV4Error, Request, _ requestID: String) -> Response
    /// The response to a signed request no operation matches.
    let unknownOperation: @Sendable (Request, _ requestID: String) -> Response
    /// Whether the door checks this request's body against the signature as it streams (the middleware then
    /// leaves the body unread and hands the door a ``TesseraFrontDoor/DeferredSignatureCheck``).
    let verifiesBodyAsItStreams: @Sendable (Request) -> Bool
    /// Whether requests are signed with SigV4 (checked by the middleware); the OCI door authenticates its own.
    var signedWithSigV4 = true
    /// The signing names a request's credential scope may name (botocore's `signingName`: `glacier`, `ebs`,
    /// `ec2`, `ecr`, `ecr-public`); the first is the one AWS's refusal names.
    var signingNames: @Sendable (Request) -> [String] = { _ in [] }
    /// Whether the request stores new data (bytes, or a session that will take bytes): refused up front while
    /// the disk is below its free-space floor (``FreeSpaceMiddleware``). Deletes, reads and settings never are.
    var storesData: @Sendable (Request) -> Bool = { _ in false }
    /// The protocol's retryable server error for a write refused for want of disk space (``FreeSpaceMiddleware``
    /// adds `Retry-After`).
    var outOfSpace: @Sendable (Request, _ requestID: String) -> Response = { _, _ in
        Response(status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                 body: .init(byteBuffer: .init(string: OutOfSpaceAnswer.message + "\n")))
    }

    /// The dialects in the order they are asked; the last claims everything.
    static let all: [FrontDoorDialect] = [.oci, .ecr, .ec2, .ebs, .admin, .glacier]

    /// The dialect of a request.
    static func of(_ request: Request) -> FrontDoorDialect {
        all.first { $0.claims(request) } ?? .glacier
    }
}
