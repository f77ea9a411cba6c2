/// A request whose authentication checked out but whose signature is still to be compared, because it
/// covers a body not yet read (``SigV4Verifier/prepare(_:now:secretFor:)``).
public struct SigV4PendingVerification: Sendable {
    let request: SigV4Request
    let isPresigned: Bool
    let credential: SigV4CredentialScope
    let signedHeaders: [String]
    let givenSignature: String
    let timestamp: String
    let droppedQueryNames: Set<String>
    let secret: String

    /// Who claims to have signed; trust it only once ``finish(bodySHA256Hex:)`` succeeded.
    public var identity: SigV4Identity {
        SigV4Identity(accessKey: credential.accessKey, region: credential.region, service: credential.service, date: credential.date)
    }

    /// Compares the signature, given the body's SHA-256 when the request carries no `x-amz-content-sha256`
    /// (nil stands for the empty body).
    public func finish(bodySHA256Hex: String?) throws(SigV4Error) -> SigV4PayloadHash {
        let candidates = try SigV4Verifier.payloadCandidates(request, isPresigned: isPresigned, bodySHA256Hex: bodySHA256Hex)
        let key = SigV4SigningKey.derive(secret: secret, date: credential.date, region: credential.region, service: credential.service)
        var matched: SigV4PayloadHash?
        for candidate in candidates {
            let canonical = SigV4CanonicalRequest.build(
                request, signedHeaders: signedHeaders, payloadHash: candidate.signed, droppingQueryNames: droppedQueryNames)
            let stringToSign = SigV4SigningKey.stringToSign(timestamp: timestamp, scope: credential.scope, canonicalRequest: canonical)
            let expected = SigV4SigningKey.signature(key: key, stringToSign: stringToSign)
            if SigV4SigningKey.constantTimeEquals(expected, givenSignature) && matched == nil {
                matched = candidate.result
            }
        }
        guard let payload = matched else { throw .signatureDoesNotMatch }
        return payload
    }
}
