import Foundation
import Testing
import TesseraClient

/// Credentials from a credential_process are fetched again as they near expiry, as botocore does: within 15
/// minutes a fetch is tried; a failed one keeps the old credentials while more than 10 minutes remain.
struct AWSCredentialProviderTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var time = Date(timeIntervalSince1970: 1_000_000)
        var now: Date { lock.withLock { time } }
        func advance(_ seconds: TimeInterval) { lock.withLock { time += seconds } }
    }

    final class Fetcher: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var failing = false
        let clock: Clock
        init(clock: Clock) { self.clock = clock }
        var fetches: Int { lock.withLock { count } }

        /// Credentials valid for an hour from the clock's now, named by the fetch's number.
        func fetch() throws -> AWSCredentials {
            let number = lock.withLock { () -> Int in count += 1; return count }
            if lock.withLock({ failing }) { throw AWSClientConfigurationError.credentialProcessFailed(profile: "p", detail: "down") }
            return AWSCredentials(accessKeyID: "AKID\(number)", secretAccessKey: "s", expiration: clock.now + 3600)
        }
    }

    @Test func fixedCredentialsAreNeverFetched() async throws {
        let provider = AWSCredentialProvider(fixed: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s"))
        #expect(try await provider.current().accessKeyID == "AKID")
        #expect(provider.identity == "AKID")
    }

    @Test func credentialsAreFetchedAgainWithinFifteenMinutesOfTheirExpiration() async throws {
        let clock = Clock()
        let fetcher = Fetcher(clock: clock)
        let provider = AWSCredentialProvider(first: try fetcher.fetch(), identity: "profile p (credential_process)",
                                             now: { clock.now }, fetch: { try fetcher.fetch() })
        clock.advance(44 * 60)   // 16 minutes left
        #expect(try await provider.current().accessKeyID == "AKID1")
        clock.advance(2 * 60)    // 14 minutes left
        #expect(try await provider.current().accessKeyID == "AKID2")
        #expect(try await provider.current().accessKeyID == "AKID2", "the new ones last an hour")
        #expect(fetcher.fetches == 2)
        #expect(provider.identity == "profile p (credential_process)")
    }

    @Test func aFailedFetchKeepsTheOldCredentialsUntilTenMinutesAreLeft() async throws {
        let clock = Clock()
        let fetcher = Fetcher(clock: clock)
        let provider = AWSCredentialProvider(first: try fetcher.fetch(), identity: "p", now: { clock.now },
                                             fetch: { try fetcher.fetch() })
        fetcher.failing = true
        clock.advance(48 * 60)   // 12 minutes left: tried, failed, the old ones still serve
        #expect(try await provider.current().accessKeyID == "AKID1")
        clock.advance(3 * 60)    // 9 minutes left: the failure is the caller's
        await #expect(throws: AWSClientConfigurationError.self) { try await provider.current() }
        fetcher.failing = false
        #expect(try await provider.current().accessKeyID == "AKID4")
    }
}
