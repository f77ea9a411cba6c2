import Crypto
import Foundation
import TesseraCore

/// Credentials the registry hands out and later checks without storing them, each an HMAC under a key all
/// nodes share:
/// - the password of GetAuthorizationToken, which the OCI door accepts as HTTP Basic auth (`AWS:<password>`),
///   bound to an account and valid 12 hours;
/// - the token in a GetDownloadUrlForLayer URL, bound to one layer of one repository and valid 1 hour.
public struct RegistryTokens: Sendable {
    public static let passwordLifetime: TimeInterval = 12 * 3600
    public static let downloadLifetime: TimeInterval = 3600

    private let key: [UInt8]

    /// - Parameter key: at least 32 random bytes, the same on every node.
    public init(key: [UInt8]) {
        self.key = key
    }

    /// A password for `accountID` that expires at `expiry`: `base64url(account:expiry).base64url(mac)`.
    public func password(accountID: String, expiry: Date) -> String {
        let payload = "\(accountID):\(Int64(expiry.timeIntervalSince1970))"
        return Base64URL.encode(Array(payload.utf8)) + "." + Base64URL.encode(mac("registry-password:" + payload))
    }

    /// The account a password was made for, if it is genuine and has not expired at `now`.
    public func account(forPassword password: String, now: Date) -> String? {
        let pieces = password.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2, let raw = Base64URL.decode(String(pieces[0])), let payload = String(bytes: raw, encoding: .utf8) else { return nil }
        let fields = payload.split(separator: ":")
        // The MAC is compared in its text form, so no other spelling of the same bits (base64's unused low bits) passes.
        guard fields.count == 2, let seconds = Int64(fields[1]), Double(seconds) > now.timeIntervalSince1970,
              Self.constantTimeEquals(Array(Base64URL.encode(mac("registry-password:" + payload)).utf8), Array(pieces[1].utf8)) else { return nil }
        return String(fields[0])
    }

    /// The token of a download URL for one layer of one repository.
    public func downloadToken(repositoryID: String, digest: String, expiry: Date) -> String {
        let seconds = Int64(expiry.timeIntervalSince1970)
        return "\(seconds)." + Base64URL.encode(mac("layer-download:\(repositoryID):\(digest):\(seconds)"))
    }

    /// Whether `token` was made for this layer of this repository and has not expired at `now`.
    public func verifyDownloadToken(_ token: String, repositoryID: String, digest: String, now: Date) -> Bool {
        let pieces = token.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2, let seconds = Int64(pieces[0]), Double(seconds) > now.timeIntervalSince1970 else { return false }
        let expected = Base64URL.encode(mac("layer-download:\(repositoryID):\(digest):\(seconds)"))
        return Self.constantTimeEquals(Array(expected.utf8), Array(pieces[1].utf8))
    }

    private func mac(_ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
