/// Canonical-request construction for non-S3 services (docs/aws/sigv4.md#canonical-request, botocore `SigV4Auth`).
public enum SigV4CanonicalRequest {
    /// The hex SHA-256 of the empty string.
    public static let emptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Builds `Method\nCanonicalURI\nCanonicalQuery\nCanonicalHeaders\n\nSignedHeaders\nPayloadHash`.
    ///
    /// - Parameters:
    ///   - signedHeaders: header names exactly as listed in `SignedHeaders` (lower case, `;`-joined in that order).
    ///   - droppingQueryNames: decoded query names to leave out (presigned: `X-Amz-Signature`).
    public static func build(
        _ request: SigV4Request, signedHeaders: [String], payloadHash: String,
        droppingQueryNames: Set<String> = []
    ) -> String {
        [
            request.method.uppercased(),
            canonicalURI(request.path),
            canonicalQuery(request.query, droppingNames: droppingQueryNames),
            canonicalHeaders(request, signedHeaders: signedHeaders) + "\n",
            signedHeaders.joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The raw (already percent-encoded) path with dot segments and empty segments removed, then URI-encoded
    /// once more keeping `/` — botocore's `quote(normalize_url_path(path), safe='/~')`, so `%` becomes `%25`.
    public static func canonicalURI(_ rawPath: String) -> String {
        SigV4Encoding.uriEncode(removeDotSegments(rawPath), keepSlash: true)
    }

    /// botocore `normalize_url_path`: RFC 3986 §5.2.4 dot-segment removal that also drops empty segments
    /// (`//`), keeps a leading and (for a non-empty result) trailing `/`; `""` becomes `/`.
    public static func removeDotSegments(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                _ = output.popLast()
            } else {
                output.append(segment)
            }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return first + output.joined(separator: "/") + last
    }

    /// Each `name=value` pair percent-decoded then AWS-URI-encoded, sorted by encoded name then encoded value,
    /// joined with `&`; a missing value gives `name=`; empty `&&` pieces are skipped.
    public static func canonicalQuery(_ rawQuery: String, droppingNames: Set<String> = []) -> String {
        var pairs: [(name: String, value: String)] = []
        for piece in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let rawName: Substring
            let rawValue: Substring
            if let equals = piece.firstIndex(of: "=") {
                rawName = piece[..<equals]
                rawValue = piece[piece.index(after: equals)...]
            } else {
                rawName = piece
                rawValue = ""
            }
            let name = SigV4Encoding.percentDecode(String(rawName))
            if droppingNames.contains(String(decoding: name, as: UTF8.self)) { continue }
            pairs.append((
                SigV4Encoding.uriEncode(name, keepSlash: false),
                SigV4Encoding.uriEncode(SigV4Encoding.percentDecode(String(rawValue)), keepSlash: false)
            ))
        }
        pairs.sort { lhs, rhs in
            if lhs.name != rhs.name { return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) }
            return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
        return pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// One `name:value` line per signed header (in the given order, no trailing newline); repeated headers'
    /// values are trimmed, inner whitespace runs collapsed to one space, and joined with `,`.
    public static func canonicalHeaders(_ request: SigV4Request, signedHeaders: [String]) -> String {
        signedHeaders.map { name in
            let value = request.headerValues(name).map(trimAll).joined(separator: ",")
            return "\(name.lowercased()):\(value)"
        }.joined(separator: "\n")
    }

    /// Trims and collapses runs of ASCII whitespace (space, tab, CR, LF, VT, FF) to a single space.
    public static func trimAll(_ value: String) -> String {
        value.unicodeScalars.split(whereSeparator: isWhitespace).map { String(String.UnicodeScalarView($0)) }
            .joined(separator: " ")
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}": return true
        default: return false
        }
    }
}
