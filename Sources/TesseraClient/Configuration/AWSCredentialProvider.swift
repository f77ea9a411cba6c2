import Foundation

/// The credentials a service client signs with: fixed, or fetched again before they expire when they came
/// from a source that can give new ones (a profile's `credential_process`, an assumed role), so a transfer
/// that outlasts them goes on. As botocore refreshes such credentials: within 15 minutes of their expiration
/// a new fetch is tried before a request is signed, and if it fails the current credentials are still used
/// while more than 10 minutes remain; after that a failed fetch fails the request with its error.
public final class AWSCredentialProvider: Sendable {
    static let advisoryWindow: TimeInterval = 15 * 60
    static let mandatoryWindow: TimeInterval = 10 * 60

    /// What names these credentials across runs, for resume journals: the access key id of long-term keys,
    /// the profile (and role) of credentials that are fetched (whose key changes with every fetch).
    public let identity: String
    private let source: Source

    private enum Source: Sendable {
        case fixed(AWSCredentials)
        case fetched(Store)
        case anonymous
    }

    /// No credentials: requests go unsigned (STS's AssumeRoleWithWebIdentity, whose token is the proof).
    public static let anonymous = AWSCredentialProvider()

    private init() {
        identity = "anonymous"
        source = .anonymous
    }

    /// Whether requests go unsigned.
    public var isAnonymous: Bool {
        if case .anonymous = source { return true }
        return false
    }

    /// Credentials that never change.
    public init(fixed credentials: AWSCredentials) {
        identity = credentials.accessKeyID
        source = .fixed(credentials)
    }

    /// Credentials `fetch` gives, `first` among them (nil: fetched when first needed), fetched again as they
    /// near their expiration.
    public init(first: AWSCredentials?, identity: String, now: @escaping @Sendable () -> Date = { Date() },
                fetch: @escaping @Sendable () async throws -> AWSCredentials) {
        self.identity = identity
        source = .fetched(Store(held: first, fetch: fetch, now: now))
    }

    /// The credentials to sign a request with now, fetched first if there are none yet or they expire within
    /// 15 minutes. Concurrent callers wait for one fetch. Empty keys for ``anonymous`` (which signs nothing).
    public func current() async throws -> AWSCredentials {
        switch source {
        case .fixed(let credentials): credentials
        case .fetched(let store): try await store.current()
        case .anonymous: AWSCredentials(accessKeyID: "", secretAccessKey: "")
        }
    }

    private actor Store {
        private var held: AWSCredentials?
        private var fetching: Task<AWSCredentials, any Error>?
        private let fetch: @Sendable () async throws -> AWSCredentials
        private let now: @Sendable () -> Date

        init(held: AWSCredentials?, fetch: @escaping @Sendable () async throws -> AWSCredentials, now: @escaping @Sendable () -> Date) {
            self.held = held
            self.fetch = fetch
            self.now = now
        }

        func current() async throws -> AWSCredentials {
            let left = held.map { $0.expiration?.timeIntervalSince(now()) ?? .infinity }
            if let held, let left, left >= AWSCredentialProvider.advisoryWindow { return held }
            let task = fetching ?? Task { try await fetch() }
            fetching = task
            do {
                let fresh = try await task.value
                if fetching == task { fetching = nil }
                held = fresh
                return fresh
            } catch {
                if fetching == task { fetching = nil }
                if let held, let left, left > AWSCredentialProvider.mandatoryWindow { return held }
                throw error
            }
        }
    }
}
