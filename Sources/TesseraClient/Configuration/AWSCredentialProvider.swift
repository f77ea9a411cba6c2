import Foundation

/// The credentials a service client signs with: fixed, or fetched again before they expire when they came
/// from a source that can give new ones (a profile's `credential_process`), so a transfer that outlasts
/// them goes on. As botocore refreshes such credentials: within 15 minutes of their expiration a new fetch
/// is tried before a request is signed, and if it fails the current credentials are still used while more
/// than 10 minutes remain; after that a failed fetch fails the request with its error.
public final class AWSCredentialProvider: Sendable {
    static let advisoryWindow: TimeInterval = 15 * 60
    static let mandatoryWindow: TimeInterval = 10 * 60

    /// What names these credentials across runs, for resume journals: the access key id of long-term keys,
    /// the profile of credentials a process gives (whose key changes with every fetch).
    public let identity: String
    private let held: LockedValue<AWSCredentials>
    private let fetch: (@Sendable () throws -> AWSCredentials)?
    private let now: @Sendable () -> Date

    /// Credentials that never change.
    public init(fixed credentials: AWSCredentials) {
        identity = credentials.accessKeyID
        held = LockedValue(credentials)
        fetch = nil
        now = { Date() }
    }

    /// Credentials `fetch` gives, `first` among them, fetched again as they near their expiration.
    public init(first: AWSCredentials, identity: String, now: @escaping @Sendable () -> Date = { Date() },
                fetch: @escaping @Sendable () throws -> AWSCredentials) {
        self.identity = identity
        held = LockedValue(first)
        self.fetch = fetch
        self.now = now
    }

    /// The credentials to sign a request with now, fetched again first if they expire within 15 minutes.
    /// Concurrent callers wait for one fetch.
    public func current() throws -> AWSCredentials {
        try held.withLock { credentials in
            guard let fetch, let expiration = credentials.expiration else { return credentials }
            let left = expiration.timeIntervalSince(now())
            guard left < Self.advisoryWindow else { return credentials }
            do {
                credentials = try fetch()
            } catch {
                guard left > Self.mandatoryWindow else { throw error }
            }
            return credentials
        }
    }
}
