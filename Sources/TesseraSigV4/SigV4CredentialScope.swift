/// The parsed `Credential=AKID/YYYYMMDD/region/service/aws4_request` value.
struct SigV4CredentialScope: Sendable, Equatable {
    var accessKey: String
    var date: String
    var region: String
    var service: String

    /// `YYYYMMDD/region/service/aws4_request`.
    var scope: String { SigV4SigningKey.scope(date: date, region: region, service: service) }

    static func parse(_ value: String) throws(SigV4Error) -> SigV4CredentialScope {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 else {
            throw .incompleteSignature(
                "Credential should be of the form <access key>/<YYYYMMDD>/<region>/<service>/aws4_request, not '\(value)'.")
        }
        guard parts[4] == "aws4_request" else {
            throw .incompleteSignature("Credential should be scoped with a valid terminator: 'aws4_request', not '\(parts[4])'.")
        }
        guard !parts[0].isEmpty else {
            throw .incompleteSignature("Credential has an empty access key: '\(value)'.")
        }
        guard parts[1].utf8.count == 8, parts[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .incompleteSignature("Credential should be scoped to a date in the form YYYYMMDD, not '\(parts[1])'.")
        }
        guard !parts[2].isEmpty else { throw .incompleteSignature("Credential should be scoped to a valid region, not ''.") }
        guard !parts[3].isEmpty else { throw .incompleteSignature("Credential should be scoped to a valid service, not ''.") }
        return SigV4CredentialScope(accessKey: parts[0], date: parts[1], region: parts[2], service: parts[3])
    }

    /// Parses a `SignedHeaders` value (`a;b;c`); every name non-empty and `host` among them.
    static func parseSignedHeaders(_ value: String) throws(SigV4Error) -> [String] {
        let names = value.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard !names.contains(where: \.isEmpty) else {
            throw .incompleteSignature("SignedHeaders must be a ';'-separated list of header names, not '\(value)'.")
        }
        guard names.contains(where: { $0.lowercased() == "host" }) else {
            throw .incompleteSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.")
        }
        return names
    }
}
