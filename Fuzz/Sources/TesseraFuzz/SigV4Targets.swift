import Foundation
import TesseraCore
@testable import TesseraSigV4

/// The SigV4 parsers every authenticated request goes through (TesseraSigV4).
extension FuzzTarget {
    /// The `Authorization` header parser: whatever it accepts is complete and well formed, and parses
    /// again to the same value once written out the way SDKs write it.
    static let sigV4Authorization = FuzzTarget(
        name: "sigv4-authorization", maxLength: 1024,
        summary: "Authorization: AWS4-HMAC-SHA256 header values (SigV4AuthorizationHeader.parse)"
    ) { bytes in
        let header = text(bytes)
        let parsed: SigV4AuthorizationHeader
        do throws(SigV4Error) {
            parsed = try SigV4AuthorizationHeader.parse(header)
        } catch {
            check(!error.message.isEmpty, "an empty error message for \(header.debugDescription)")
            return
        }
        SigV4Checks.scope(parsed.credential, from: header)
        SigV4Checks.signedHeaders(parsed.signedHeaders, from: header)
        check(!parsed.signature.isEmpty, "an empty Signature accepted in \(header.debugDescription)")
        // The header's grammar (RFC 9110 auth-param) is ASCII; the parser splits characters, and a character
        // other than ASCII may join the `,` after it, so only ASCII headers are held to the round trip.
        guard header.utf8.allSatisfy({ $0 < 0x80 }) else { return }
        let rendered = "\(SigV4SigningKey.algorithm) Credential=\(parsed.credential.accessKey)/\(parsed.credential.scope), "
            + "SignedHeaders=\(parsed.signedHeaders.joined(separator: ";")), Signature=\(parsed.signature)"
        let again = try? SigV4AuthorizationHeader.parse(rendered)
        check(again == parsed, "\(header.debugDescription) parsed to \(parsed), but its rendering \(rendered.debugDescription) to \(String(describing: again))")
    }

    /// The presigned-URL query parser, and the percent decoding under it.
    static let sigV4Presigned = FuzzTarget(
        name: "sigv4-presigned", maxLength: 1024,
        summary: "presigned-URL query strings (SigV4PresignedQuery.parse, SigV4Encoding.percentDecode)"
    ) { bytes in
        let query = text(bytes)
        // Percent decoding undoes AWS URI encoding, for any bytes.
        check(SigV4Encoding.percentDecode(SigV4Encoding.uriEncode(bytes, keepSlash: false)) == bytes,
              "percentDecode(uriEncode(x)) != x for \(bytes)")
        let parsed: SigV4PresignedQuery
        do throws(SigV4Error) {
            parsed = try SigV4PresignedQuery.parse(query)
        } catch {
            check(!error.message.isEmpty, "an empty error message for \(query.debugDescription)")
            return
        }
        SigV4Checks.scope(parsed.credential, from: query)
        SigV4Checks.signedHeaders(parsed.signedHeaders, from: query)
        check(!parsed.signature.isEmpty, "an empty X-Amz-Signature accepted in \(query.debugDescription)")
        check((0...SigV4PresignedQuery.maximumExpires).contains(parsed.expires), "X-Amz-Expires \(parsed.expires) accepted")
        check(parsed.timestamp.iso8601Basic == parsed.amzDate,
              "X-Amz-Date \(parsed.amzDate) read as \(parsed.timestamp.iso8601Basic)")
        let rendered = [
            ("X-Amz-Algorithm", SigV4SigningKey.algorithm),
            ("X-Amz-Credential", "\(parsed.credential.accessKey)/\(parsed.credential.scope)"),
            ("X-Amz-Date", parsed.amzDate),
            ("X-Amz-Expires", String(parsed.expires)),
            ("X-Amz-SignedHeaders", parsed.signedHeaders.joined(separator: ";")),
            ("X-Amz-Signature", parsed.signature),
        ].map { "\($0.0)=\(SigV4Encoding.uriEncode($0.1, keepSlash: false))" }.joined(separator: "&")
        let again = try? SigV4PresignedQuery.parse(rendered)
        check(again == parsed, "\(query.debugDescription) parsed to \(parsed), but its rendering \(rendered.debugDescription) to \(String(describing: again))")
    }

    /// A whole request through the verifier, then the same request signed and presigned by this
    /// package's signer, which the verifier must accept.
    ///
    /// Input: the method, the raw path, the raw query, then `name:value` header lines, one per line.
    static let sigV4Request = FuzzTarget(
        name: "sigv4-request", maxLength: 2048,
        summary: "whole requests through SigV4Verifier (x-amz-date, Date, x-amz-content-sha256, query), and sign/presign -> verify"
    ) { bytes in
        let parts = lines(bytes)
        guard parts.count >= 3 else { return }
        var headers: [(name: String, value: String)] = []
        for line in parts.dropFirst(3) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let request = SigV4Request(method: parts[0], path: parts[1], query: parts[2], headers: headers)

        // 1. The request as the client sent it: whatever the verifier says, it says it without crashing.
        do throws(SigV4Error) {
            let (identity, _) = try SigV4Verifier.verify(
                request, now: SigV4Checks.now, bodySHA256Hex: nil, secretFor: SigV4Checks.secret)
            check(identity.accessKey == SigV4Checks.accessKey, "verified as unknown key \(identity.accessKey)")
        } catch {
            check(!error.message.isEmpty, "an empty error message")
        }

        // 2. Canonicalisation is idempotent: the canonical form of a canonical path or query is itself.
        if request.path.hasPrefix("/") {
            let path = SigV4CanonicalRequest.removeDotSegments(request.path)
            check(SigV4CanonicalRequest.removeDotSegments(path) == path, "dot-segment removal of \(request.path.debugDescription) is not idempotent")
        }
        let query = SigV4CanonicalRequest.canonicalQuery(request.query)
        check(SigV4CanonicalRequest.canonicalQuery(query) == query, "canonicalQuery of \(request.query.debugDescription) is not idempotent")

        // 3. What the signer signs, the verifier accepts: the same request as HTTP can carry it, without
        // the presigned-URL parameters a header-signed request may not carry.
        let wire = SigV4Checks.asOnTheWire(request)
        let payload = SHA256Value.of(bytes).hex
        let signed = SigV4Signer.sign(
            wire, accessKey: SigV4Checks.accessKey, secret: SigV4Checks.secretKey, region: "us-east-1", service: "glacier",
            date: SigV4Checks.now, payloadSHA256Hex: payload, includeContentSHA256: true)
        do throws(SigV4Error) {
            let (identity, hash) = try SigV4Verifier.verify(
                signed, now: SigV4Checks.now, bodySHA256Hex: nil, services: ["glacier"], secretFor: SigV4Checks.secret)
            check(identity.accessKey == SigV4Checks.accessKey && identity.service == "glacier", "signed as \(identity)")
            check(hash == .sha256Hex(payload), "payload hash \(hash) for \(payload)")
        } catch {
            check(false, "a request signed by SigV4Signer was refused: \(error) \(signed)")
        }

        // 4. Likewise presigned.
        var unsigned = wire
        unsigned.headers.removeAll { ["authorization", "x-amz-content-sha256"].contains($0.name.lowercased()) }
        let presigned = SigV4Signer.presign(
            unsigned, accessKey: SigV4Checks.accessKey, secret: SigV4Checks.secretKey, region: "us-east-1", service: "ecr",
            date: SigV4Checks.now, expires: bytes.count % 3600)
        do throws(SigV4Error) {
            let (identity, hash) = try SigV4Verifier.verify(
                presigned, now: SigV4Checks.now, bodySHA256Hex: nil, services: ["ecr"], secretFor: SigV4Checks.secret)
            check(identity.service == "ecr", "presigned as \(identity)")
            check(hash == .unsigned, "payload hash \(hash) for a presigned URL")
        } catch {
            check(false, "a URL presigned by SigV4Signer was refused: \(error) \(presigned)")
        }
    }
}

/// What the SigV4 targets share.
enum SigV4Checks {
    /// The server clock of every verification: the time the seeds were signed at (2024-05-01T12:00:00Z).
    static let now = Date(timeIntervalSince1970: 1_714_564_800)
    static let accessKey = "AKIDEXAMPLE"
    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    @Sendable static func secret(_ key: String) -> String? {
        key == accessKey ? secretKey : nil
    }

    /// A credential scope as the parsers promise it.
    static func scope(_ scope: SigV4CredentialScope, from input: String) {
        check(!scope.accessKey.isEmpty && !scope.accessKey.contains("/"), "access key \(scope.accessKey.debugDescription) from \(input.debugDescription)")
        check(scope.date.utf8.count == 8 && scope.date.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") },
              "scope date \(scope.date.debugDescription) from \(input.debugDescription)")
        check(!scope.region.isEmpty && !scope.service.isEmpty, "an empty region or service from \(input.debugDescription)")
    }

    /// A SignedHeaders list as the parsers promise it: no empty name, `host` among them.
    static func signedHeaders(_ names: [String], from input: String) {
        check(!names.contains(where: \.isEmpty), "an empty signed header name from \(input.debugDescription)")
        check(names.contains { $0.lowercased() == "host" }, "SignedHeaders without host from \(input.debugDescription)")
    }

    /// The query parameters of a presigned URL.
    static let presignedParameters: Set<String> = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
        "X-Amz-Security-Token",
    ]

    /// `request` as an HTTP/1.1 message can carry it (method and header names are tokens, the path and
    /// query visible ASCII without `#`, the path also without `?`, header values without CR, LF or NUL;
    /// a Host header) and without presigned-URL parameters in its query.
    static func asOnTheWire(_ request: SigV4Request) -> SigV4Request {
        func keep(_ text: String, _ allowed: (UInt8) -> Bool) -> String {
            String(decoding: text.utf8.filter(allowed), as: UTF8.self)
        }
        let method = keep(request.method, isTokenByte)
        let path = "/" + keep(request.path) { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") && $0 != UInt8(ascii: "?") }
        let query = keep(request.query) { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }
            .split(separator: "&").filter { piece in
                let name = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                return !presignedParameters.contains(String(decoding: SigV4Encoding.percentDecode(String(name)), as: UTF8.self))
            }.joined(separator: "&")
        var headers: [(name: String, value: String)] = request.headers.compactMap { header in
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(isTokenByte) else { return nil }
            return (header.name, keep(header.value) { $0 != 0x0D && $0 != 0x0A && $0 != 0 })
        }
        if !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.append((name: "Host", value: "glacier.us-east-1.amazonaws.com"))
        }
        return SigV4Request(method: method.isEmpty ? "GET" : method, path: path, query: query, headers: headers)
    }

    /// RFC 9110 `tchar`: the bytes of a method or header name.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
