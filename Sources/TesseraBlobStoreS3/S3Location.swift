import Foundation
import TesseraClient

/// Where an S3 blob store keeps its objects: `s3://BUCKET` or `s3://BUCKET/PREFIX`, the endpoint and region of
/// the object store, and the keys it is signed with.
public struct S3Location: Sendable, Equatable {
    public var bucket: String
    /// Prepended to every key (`PREFIX/blobs/…`); empty or ending in `/`.
    public var prefix: String
    public var endpoint: URL
    public var region: String
    public var credentials: AWSCredentials
    /// How long one attempt of a request may wait for the store's answer (`--s3-timeout`), plus a second for
    /// each MiB it sends; a copy or completion inside the store gets 30 minutes.
    public var answerTimeout: TimeInterval

    /// ``answerTimeout`` as a `Duration`, for deadlines.
    var answerDeadline: Duration { .milliseconds(Int64(answerTimeout * 1000)) }

    public init(bucket: String, prefix: String = "", endpoint: URL, region: String, credentials: AWSCredentials,
                answerTimeout: TimeInterval = 20) {
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.answerTimeout = answerTimeout
    }

    /// Reads `s3://BUCKET[/PREFIX]`. Bucket names follow S3's rules (3–63 of `a-z 0-9 . -`); a prefix is made of
    /// `A-Z a-z 0-9 . _ - /`, so keys need no escaping.
    /// - Throws: ``S3LocationError`` saying what is wrong.
    public static func parse(_ text: String, endpoint: URL, region: String, credentials: AWSCredentials) throws -> S3Location {
        guard text.hasPrefix("s3://") else { throw S3LocationError("\(text) is not an s3://BUCKET[/PREFIX] location") }
        let rest = text.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        let bucketCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard (3...63).contains(bucket.count), bucket.allSatisfy(bucketCharacters.contains),
              bucket.first?.isLetter == true || bucket.first?.isNumber == true else {
            throw S3LocationError("bucket name \"\(bucket)\" is not 3 to 63 characters of a-z, 0-9, '.' and '-' starting with a letter or digit")
        }
        var prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
        let prefixCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/")
        guard prefix.allSatisfy(prefixCharacters.contains), !prefix.contains("//") else {
            throw S3LocationError("key prefix \"\(prefix)\" may hold only A-Z, a-z, 0-9, '.', '_', '-' and single '/'")
        }
        if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
        guard let scheme = endpoint.scheme, ["http", "https"].contains(scheme), endpoint.host?.isEmpty == false else {
            throw S3LocationError("the S3 endpoint \(endpoint.absoluteString) is not an http:// or https:// URL")
        }
        return S3Location(bucket: bucket, prefix: prefix, endpoint: endpoint, region: region, credentials: credentials)
    }

    /// `s3://BUCKET/PREFIX` as given.
    public var description: String { "s3://\(bucket)" + (prefix.isEmpty ? "" : "/" + prefix.dropLast()) }
}

/// A `--blobs s3://…` setting that cannot be used.
public struct S3LocationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
