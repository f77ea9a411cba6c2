/// The authentication parameters of a presigned URL (`X-Amz-Algorithm`, `X-Amz-Credential`, …).
struct SigV4PresignedQuery: Sendable, Equatable {
    /// Longest allowed `X-Amz-Expires`: seven days.
    static let maximumExpires: Int64 = 604_800

    var credential: SigV4CredentialScope
    var signedHeaders: [String]
    var signature: String
    var timestamp: SigV4Timestamp
    var amzDate: String
    var expires: Int64

    /// The percent-decoded value of the first query parameter named exactly `name`, or nil.
    static func parameter(_ name: String, in rawQuery: String) -> String? {
        for piece in rawQuery.split(separator: "&") {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(decoding: SigV4Encoding.percentDecode(String(parts[0])), as: UTF8.self)
            if key == name {
                return parts.count > 1 ? String(decoding: SigV4Encoding.percentDecode(String(parts[1])), as: UTF8.self) : ""
            }
        }
        return nil
    }

    /// How many query parameters are named exactly `name`.
    static func count(_ name: String, in rawQuery: String) -> Int {
        rawQuery.split(separator: "&").filter { piece in
            let key = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return String(decoding: SigV4Encoding.percentDecode(String(key)), as: UTF8.self) == name
        }.count
    }

    /// Parses the presigned parameters of `rawQuery`, which must contain `X-Amz-Algorithm`. Each
    /// authentication parameter may appear once: a URL with two signatures (or two credentials) is refused,
    /// not read by its first.
    static func parse(_ rawQuery: String) throws(SigV4Error) -> SigV4PresignedQuery {
        let authentication = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
                              "X-Amz-Signature", "X-Amz-Security-Token"]
        if let repeated = authentication.first(where: { count($0, in: rawQuery) > 1 }) {
            throw .incompleteSignature("The query string authentication parameter \(repeated) may appear only once.")
        }
        let algorithm = parameter("X-Amz-Algorithm", in: rawQuery) ?? ""
        guard algorithm == SigV4SigningKey.algorithm else { throw .unsupportedAlgorithm(algorithm) }
        let names = ["X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"]
        let values = names.map { parameter($0, in: rawQuery) ?? "" }
        let missing = zip(names, values).filter { $0.1.isEmpty }.map(\.0)
        guard missing.isEmpty else {
            throw .incompleteSignature(
                "Query-string authentication requires the \(missing.joined(separator: ", ")) parameter(s).")
        }
        let amzDate = values[1]
        guard let timestamp = SigV4Timestamp(iso8601Basic: amzDate) else {
            throw .incompleteSignature(
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", not '\(amzDate)'.")
        }
        guard let expires = Int64(values[2]), expires >= 0 else {
            throw .incompleteSignature("X-Amz-Expires should be a number of seconds, not '\(values[2])'.")
        }
        guard expires <= maximumExpires else {
            throw .incompleteSignature("X-Amz-Expires must be less than a week (in seconds) that is 604800.")
        }
        return SigV4PresignedQuery(
            credential: try SigV4CredentialScope.parse(values[0]),
            signedHeaders: try SigV4CredentialScope.parseSignedHeaders(values[3]),
            signature: values[4], timestamp: timestamp, amzDate: amzDate, expires: expires)
    }
}
