import Crypto
import Foundation

/// The SigV4 key derivation, string to sign and signature (docs/aws/sigv4.md#signing-key).
public enum SigV4SigningKey {
    /// The only supported algorithm name.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// `YYYYMMDD/region/service/aws4_request`.
    public static func scope(date: String, region: String, service: String) -> String {
        "\(date)/\(region)/\(service)/aws4_request"
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    public static func derive(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// `AWS4-HMAC-SHA256\n<timestamp>\n<scope>\n<hex SHA-256(canonicalRequest)>`.
    public static func stringToSign(timestamp: String, scope: String, canonicalRequest: String) -> String {
        let hash = SigV4Encoding.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))
        return "\(algorithm)\n\(timestamp)\n\(scope)\n\(hash)"
    }

    /// Lower-case hex HMAC-SHA256 of `stringToSign` under `key`.
    public static func signature(key: SymmetricKey, stringToSign: String) -> String {
        SigV4Encoding.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    /// Compares two strings' bytes in time independent of where they differ (length is not hidden).
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }
}
