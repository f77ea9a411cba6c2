import Foundation

/// Server-side SigV4 verification (docs/aws/sigv4.md) for header and presigned-URL authentication.
public enum SigV4Verifier {
    /// Allowed clock skew either way for header authentication, in seconds (15 minutes).
    public static let allowedSkewSeconds: Int64 = 900

    /// Verifies the signature of `request`.
    ///
    /// - Parameters:
    ///   - now: the server clock.
    ///   - bodySHA256Hex: needed only when the request carries no `x-amz-content-sha256` header: then the caller must
    ///     have read the (small) body and pass its hex SHA-256; if nil in that case, the SHA-256 of the empty string
    ///     is used.
    ///   - secretFor: the secret for an access key, or nil if the key is unknown.
    /// - Returns: who signed, and how the payload is to be checked (see ``SigV4PayloadHash``).
    ///
    /// Presigned URLs without an `x-amz-content-sha256` header are accepted when signed over either
    /// `UNSIGNED-PAYLOAD` (S3 style, returned as `.unsigned`) or the body hash (botocore's non-S3 presigner,
    /// which signs the empty-body hash; returned as `.notGiven`). Any region and service are accepted.
    public static func verify(
        _ request: SigV4Request, now: Date, bodySHA256Hex: String?, services: [String]? = nil,
        secretFor: (String) -> String?
    ) throws(SigV4Error) -> (SigV4Identity, SigV4PayloadHash) {
        let pending = try prepare(request, now: now, services: services, secretFor: secretFor)
        return (pending.identity, try pending.finish(bodySHA256Hex: bodySHA256Hex))
    }

    /// Checks everything but the signature itself — the form of the authentication, the time, the access key
    /// — and returns what ``SigV4PendingVerification/finish(bodySHA256Hex:)`` needs once the body's hash is known.
    /// A body too large to hold is streamed and hashed by its consumer, which must call `finish` before it
    /// acts on the request.
    /// - Parameter services: the signing names the request may be scoped to (`glacier`, `ecr` …); nil takes any.
    public static func prepare(
        _ request: SigV4Request, now: Date, services: [String]? = nil, secretFor: (String) -> String?
    ) throws(SigV4Error) -> SigV4PendingVerification {
        let authorization = request.headerValues("authorization")
        let isPresigned = SigV4PresignedQuery.parameter("X-Amz-Algorithm", in: request.query) != nil
        if authorization.isEmpty && !isPresigned { throw .missingAuthenticationToken }
        if !authorization.isEmpty && isPresigned {
            throw .incompleteSignature("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter "
                + "or the Authorization header should be specified.")
        }
        guard authorization.count <= 1 else { throw .incompleteSignature("Only one Authorization header is allowed.") }

        let nowStamp = SigV4Timestamp(now)
        let credential: SigV4CredentialScope
        let signedHeaders: [String]
        let givenSignature: String
        let timestamp: String
        var droppedQueryNames: Set<String> = []
        if let header = authorization.first {
            let parsed = try SigV4AuthorizationHeader.parse(header)
            let (stamp, text) = try requestTime(request)
            try checkScopeDate(parsed.credential.date, timestamp: text)
            try checkSkew(stamp, now: nowStamp)
            (credential, signedHeaders) = (parsed.credential, parsed.signedHeaders)
            (givenSignature, timestamp) = (parsed.signature, text)
        } else {
            let parsed = try SigV4PresignedQuery.parse(request.query)
            try checkScopeDate(parsed.credential.date, timestamp: parsed.amzDate)
            if nowStamp.adding(seconds: allowedSkewSeconds) < parsed.timestamp {
                throw .notYetCurrent(notYetCurrentMessage(parsed.timestamp, now: nowStamp))
            }
            if parsed.timestamp.adding(seconds: parsed.expires) < nowStamp { throw .presignedExpired }
            (credential, signedHeaders) = (parsed.credential, parsed.signedHeaders)
            (givenSignature, timestamp) = (parsed.signature, parsed.amzDate)
            droppedQueryNames = ["X-Amz-Signature"]
        }

        try checkScope(credential, services: services)
        guard let secret = secretFor(credential.accessKey) else { throw .unrecognizedClient }
        return SigV4PendingVerification(
            request: request, isPresigned: isPresigned, credential: credential, signedHeaders: signedHeaders,
            givenSignature: givenSignature, timestamp: timestamp, droppedQueryNames: droppedQueryNames, secret: secret)
    }

    /// The scope's service must be one the endpoint answers for, and its region a region's name
    /// (`us-east-1`, `us-gov-west-1`, `cn-north-1`: letters, dashes, a number; at most 32 characters).
    static func checkScope(_ credential: SigV4CredentialScope, services: [String]?) throws(SigV4Error) {
        if let services, !services.contains(credential.service) {
            throw .wrongScope("Credential should be scoped to correct service: '\(services.first ?? "")'. ")
        }
        guard isRegionName(credential.region) else { throw .wrongScope("Credential should be scoped to a valid region. ") }
    }

    static func isRegionName(_ region: String) -> Bool {
        let pieces = region.split(separator: "-", omittingEmptySubsequences: false)
        guard region.utf8.count <= 32, pieces.count >= 2, let last = pieces.last, !last.isEmpty,
              last.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        return pieces.dropLast().allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } }
    }

    /// The request time from `X-Amz-Date`, else from an ISO-8601-basic or RFC 1123 `Date` header,
    /// with the ISO-8601-basic text that goes into the string to sign.
    static func requestTime(_ request: SigV4Request) throws(SigV4Error) -> (SigV4Timestamp, String) {
        if let amzDate = request.headerValue("x-amz-date") {
            let text = SigV4CanonicalRequest.trimAll(amzDate)
            guard let stamp = SigV4Timestamp(iso8601Basic: text) else {
                throw .incompleteSignature(
                    "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", not '\(text)'.")
            }
            return (stamp, text)
        }
        if let date = request.headerValue("date") {
            let text = SigV4CanonicalRequest.trimAll(date)
            guard let stamp = SigV4Timestamp(iso8601Basic: text) ?? SigV4Timestamp(rfc1123: text) else {
                throw .incompleteSignature(
                    "Date header must be ISO8601 basic \"yyyyMMdd'T'HHmmss'Z'\" or RFC 1123, not '\(text)'.")
            }
            return (stamp, stamp.iso8601Basic)
        }
        throw .incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    }

    static func checkScopeDate(_ scopeDate: String, timestamp: String) throws(SigV4Error) {
        let requestDate = String(timestamp.prefix(8))
        guard scopeDate == requestDate else {
            throw .incompleteSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                + "from HTTP: '\(scopeDate)' != '\(requestDate)', from '\(timestamp)'.")
        }
    }

    static func checkSkew(_ stamp: SigV4Timestamp, now: SigV4Timestamp) throws(SigV4Error) {
        let earliest = now.adding(seconds: -allowedSkewSeconds)
        if stamp < earliest {
            throw .expired("Signature expired: \(stamp.iso8601Basic) is now earlier than \(earliest.iso8601Basic) "
                + "(\(now.iso8601Basic) - 15 min.)")
        }
        if now.adding(seconds: allowedSkewSeconds) < stamp {
            throw .notYetCurrent(notYetCurrentMessage(stamp, now: now))
        }
    }

    static func notYetCurrentMessage(_ stamp: SigV4Timestamp, now: SigV4Timestamp) -> String {
        "Signature not yet current: \(stamp.iso8601Basic) is still later than "
            + "\(now.adding(seconds: allowedSkewSeconds).iso8601Basic) (\(now.iso8601Basic) + 15 min.)"
    }

    /// The payload-hash strings to try, each with what to report if it is the one that was signed.
    static func payloadCandidates(
        _ request: SigV4Request, isPresigned: Bool, bodySHA256Hex: String?
    ) throws(SigV4Error) -> [(signed: String, result: SigV4PayloadHash)] {
        let bodyHash = bodySHA256Hex?.lowercased() ?? SigV4CanonicalRequest.emptyPayloadSHA256
        let values = request.headerValues("x-amz-content-sha256")
        guard !values.isEmpty else {
            if isPresigned { return [("UNSIGNED-PAYLOAD", .unsigned), (bodyHash, .notGiven)] }
            return [(bodyHash, .notGiven)]
        }
        let value = values.map(SigV4CanonicalRequest.trimAll).joined(separator: ",")
        if value == "UNSIGNED-PAYLOAD" { return [(value, .unsigned)] }
        if SigV4Encoding.isSHA256Hex(value) { return [(value, .sha256Hex(value.lowercased()))] }
        throw .incompleteSignature("x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a hex SHA-256 "
            + "(streaming payloads are not supported), not '\(value)'.")
    }
}
