import Foundation
import Testing
@testable import TesseraSigV4

/// Helpers shared by the SigV4 tests.
enum TestSupport {
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The `Date` of an ISO-8601 basic timestamp such as `20120525T002453Z`.
    static func date(_ iso: String, plus seconds: Int64 = 0) throws -> Date {
        let stamp = try #require(SigV4Timestamp(iso8601Basic: iso))
        return Date(timeIntervalSince1970: TimeInterval(stamp.epochSeconds + seconds))
    }

    /// A secret lookup knowing exactly one key.
    static func secrets(_ accessKey: String, _ secret: String) -> @Sendable (String) -> String? {
        { $0 == accessKey ? secret : nil }
    }

    /// Runs `verify` and returns the error it throws, or nil if it succeeded.
    static func error(
        _ request: SigV4Request, now: Date, body: String? = nil, secretFor: (String) -> String?
    ) -> SigV4Error? {
        do {
            _ = try SigV4Verifier.verify(request, now: now, bodySHA256Hex: body, secretFor: secretFor)
            return nil
        } catch {
            return error
        }
    }
}

extension SigV4Request {
    /// This request with every header named `name` (case-insensitive) given `value`, or `value` appended.
    func setting(_ name: String, _ value: String) -> SigV4Request {
        var copy = self
        if copy.headers.contains(where: { $0.name.lowercased() == name.lowercased() }) {
            copy.headers = copy.headers.map { $0.name.lowercased() == name.lowercased() ? ($0.name, value) : $0 }
        } else {
            copy.headers.append((name: name, value: value))
        }
        return copy
    }

    /// This request without headers named `name` (case-insensitive).
    func removing(_ name: String) -> SigV4Request {
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        return copy
    }
}

extension BotocoreVector {
    var request: SigV4Request {
        SigV4Request(method: method, path: path, query: query, headers: headers)
    }
}
