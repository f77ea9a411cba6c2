import Crypto
import Foundation
import TesseraCore

/// Unforgeable, expiring block tokens: base64url(expiry ‖ HMAC-SHA256(key, snapshot ‖ index ‖ expiry)).
/// A token names one block of one snapshot until its expiry; nothing about it is stored.
public struct BlockTokens: Sendable {
    /// How long a token works; AWS's last about 6.8 days.
    public static let lifetime: TimeInterval = 7 * 24 * 3600

    /// The raw key (SymmetricKey is not Sendable in this swift-crypto, so it is made per use).
    private let key: [UInt8]

    /// - Parameter key: at least 32 random bytes, the same on every node.
    public init(key: [UInt8]) {
        self.key = key
    }

    public func make(snapshotID: String, index: Int64, expiry: Date) -> String {
        let seconds = Int64(expiry.timeIntervalSince1970)
        return Base64URL.encode(Self.bigEndian(seconds) + mac(snapshotID, index, seconds))
    }

    /// Whether `token` names this block and has not expired at `now`.
    public func verify(_ token: String, snapshotID: String, index: Int64, now: Date) -> Bool {
        // A token is compared in its canonical text form, so no other spelling of the same bits passes.
        guard let raw = Base64URL.decode(token), raw.count == 40, Base64URL.encode(raw) == token else { return false }
        let seconds = raw.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
        guard Double(seconds) > now.timeIntervalSince1970 else { return false }
        let expected = mac(snapshotID, index, seconds)
        return zip(expected, raw.dropFirst(8)).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func mac(_ snapshotID: String, _ index: Int64, _ seconds: Int64) -> [UInt8] {
        let message = Array("block:\(snapshotID):\(index):\(seconds)".utf8)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    static func bigEndian(_ value: Int64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
