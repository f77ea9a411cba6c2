import Foundation

/// Client-side SigV4 signing (tests, the future Swift client, an S3 backend), mirroring botocore's `SigV4Auth`.
public enum SigV4Signer {
    /// Headers never signed (botocore's blacklist): hop-by-hop or rewritten by proxies.
    public static let unsignedHeaderNames: Set<String> = [
        "authorization", "user-agent", "expect", "transfer-encoding", "connection", "keep-alive", "te", "trailer",
        "upgrade", "x-amzn-trace-id",
    ]

    /// Returns `request` with `X-Amz-Date`, `X-Amz-Content-SHA256` (if `includeContentSHA256`) and `Authorization`
    /// headers added (replacing any present).
    ///
    /// Every header present is signed except ``unsignedHeaderNames`` and `proxy-*`; the request must already carry
    /// `Host` (including a non-default port). `payloadSHA256Hex` is the hex SHA-256 of the body or
    /// `"UNSIGNED-PAYLOAD"`; if `includeContentSHA256` is false and the request already has an
    /// `x-amz-content-sha256` header, that header's value is what is signed (as botocore and the verifier do).
    public static func sign(
        _ request: SigV4Request, accessKey: String, secret: String, region: String, service: String,
        date: Date, payloadSHA256Hex: String, includeContentSHA256: Bool
    ) -> SigV4Request {
        let stamp = SigV4Timestamp(date)
        let timestamp = stamp.iso8601Basic
        var signed = request
        var replaced: Set<String> = ["authorization", "x-amz-date"]
        if includeContentSHA256 { replaced.insert("x-amz-content-sha256") }
        signed.headers.removeAll { replaced.contains($0.name.lowercased()) }
        signed.headers.append((name: "X-Amz-Date", value: timestamp))
        if includeContentSHA256 {
            signed.headers.append((name: "X-Amz-Content-SHA256", value: payloadSHA256Hex))
        }
        let payload = signed.headerValue("x-amz-content-sha256").map(SigV4CanonicalRequest.trimAll) ?? payloadSHA256Hex
        let names = signedHeaderNames(signed)
        let scope = SigV4SigningKey.scope(date: stamp.dateStamp, region: region, service: service)
        let signature = signature(
            signed, signedHeaders: names, payloadHash: payload, timestamp: timestamp, scope: scope,
            secret: secret, region: region, service: service)
        signed.headers.append((
            name: "Authorization",
            value: "\(SigV4SigningKey.algorithm) Credential=\(accessKey)/\(scope), "
                + "SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"
        ))
        return signed
    }

    /// Returns `request` with presigned-URL parameters appended to its query (`X-Amz-Algorithm`, `X-Amz-Credential`,
    /// `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders=host`, then `X-Amz-Signature`). Only `host` is signed.
    /// `payloadSHA256Hex` defaults to S3's `UNSIGNED-PAYLOAD`; botocore's non-S3 presigner uses the empty-body hash.
    public static func presign(
        _ request: SigV4Request, accessKey: String, secret: String, region: String, service: String,
        date: Date, expires: Int, payloadSHA256Hex: String = "UNSIGNED-PAYLOAD"
    ) -> SigV4Request {
        let stamp = SigV4Timestamp(date)
        let timestamp = stamp.iso8601Basic
        let scope = SigV4SigningKey.scope(date: stamp.dateStamp, region: region, service: service)
        let parameters = [
            ("X-Amz-Algorithm", SigV4SigningKey.algorithm),
            ("X-Amz-Credential", "\(accessKey)/\(scope)"),
            ("X-Amz-Date", timestamp),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ].map { "\($0.0)=\(SigV4Encoding.uriEncode($0.1, keepSlash: false))" }.joined(separator: "&")
        var signed = request
        signed.query = signed.query.isEmpty ? parameters : "\(signed.query)&\(parameters)"
        let signature = signature(
            signed, signedHeaders: ["host"], payloadHash: payloadSHA256Hex, timestamp: timestamp, scope: scope,
            secret: secret, region: region, service: service)
        signed.query += "&X-Amz-Signature=\(signature)"
        return signed
    }

    /// Lower-cased, de-duplicated, byte-sorted names of the headers `sign` covers.
    static func signedHeaderNames(_ request: SigV4Request) -> [String] {
        let names = Set(request.headers.map { $0.name.lowercased() }).filter {
            !unsignedHeaderNames.contains($0) && !$0.hasPrefix("proxy-")
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func signature(
        _ request: SigV4Request, signedHeaders: [String], payloadHash: String, timestamp: String, scope: String,
        secret: String, region: String, service: String
    ) -> String {
        let canonical = SigV4CanonicalRequest.build(request, signedHeaders: signedHeaders, payloadHash: payloadHash)
        let key = SigV4SigningKey.derive(
            secret: secret, date: String(timestamp.prefix(8)), region: region, service: service)
        return SigV4SigningKey.signature(
            key: key, stringToSign: SigV4SigningKey.stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical))
    }
}
