/// The parsed `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header.
struct SigV4AuthorizationHeader: Sendable, Equatable {
    var credential: SigV4CredentialScope
    var signedHeaders: [String]
    var signature: String

    /// Parses the header; tolerates any whitespace around `,` and `=`.
    static func parse(_ header: String) throws(SigV4Error) -> SigV4AuthorizationHeader {
        let trimmed = SigV4CanonicalRequest.trimAll(header)
        let algorithm = trimmed.prefix { $0 != " " }
        guard !algorithm.isEmpty else {
            throw .incompleteSignature("Authorization header is empty.")
        }
        guard algorithm == SigV4SigningKey.algorithm else {
            throw .unsupportedAlgorithm(String(algorithm))
        }
        var fields: [String: String] = [:]
        for item in trimmed.dropFirst(algorithm.count).split(separator: ",") {
            let field = item.trimmingSpaces
            guard !field.isEmpty else { continue }
            guard let equals = field.firstIndex(of: "=") else {
                throw .incompleteSignature("Authorization header requires each component to be of the form "
                    + "key=value: '\(field)'. Authorization=\(header)")
            }
            let key = String(field[..<equals].trimmingSpaces)
            guard fields[key] == nil else {
                throw .incompleteSignature("Authorization header has a repeated '\(key)' parameter. Authorization=\(header)")
            }
            fields[key] = String(field[field.index(after: equals)...].trimmingSpaces)
        }
        let missing = ["Credential", "Signature", "SignedHeaders"].filter { (fields[$0] ?? "").isEmpty }
        guard missing.isEmpty, let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
              let signature = fields["Signature"]
        else {
            let text = missing.map { "Authorization header requires '\($0)' parameter." }.joined(separator: " ")
            throw .incompleteSignature("\(text) Authorization=\(header)")
        }
        return SigV4AuthorizationHeader(
            credential: try SigV4CredentialScope.parse(credential),
            signedHeaders: try SigV4CredentialScope.parseSignedHeaders(signedHeaders),
            signature: signature)
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }
}
