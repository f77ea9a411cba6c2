import Foundation
import TesseraCore

/// Opaque pagination tokens for registry listings: the key of the first item of the next page, base64url
/// encoded so clients treat it as opaque, and `maxResults` checked against the models' 1…1000.
enum PageToken {
    static func encode(_ key: String) -> String {
        Base64URL.encode(Array((marker + key).utf8))
    }

    /// What every token begins with, so a string this server did not make is told apart.
    static let marker = "tessera-page:"

    /// The key a token carries.
    /// - Throws: ``RegistryError/invalidParameter(member:constraint:)`` for a token this server did not make.
    static func decode(_ token: String) throws(RegistryError) -> String {
        guard let raw = Base64URL.decode(token), let text = String(bytes: raw, encoding: .utf8), text.hasPrefix(marker),
              case let key = String(text.dropFirst(marker.count)), !key.isEmpty else {
            throw .invalidParameter(member: "nextToken", constraint: "must be a token returned by a previous call")
        }
        return key
    }

    /// `maxResults`, or `fallback` when absent.
    static func limit(_ maxResults: Int?, default fallback: Int, maximum: Int = 1000) throws(RegistryError) -> Int {
        guard let maxResults else { return fallback }
        guard (1...maximum).contains(maxResults) else {
            throw .invalidParameter(member: "maxResults", constraint: "must be between 1 and \(maximum)")
        }
        return maxResults
    }
}
