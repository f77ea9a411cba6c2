import Foundation
import Testing
import TesseraCore
import TesseraEngine

/// `RegistryTokens`: the GetAuthorizationToken password and the layer download token, both checked later
/// from their text alone.
struct RegistryTokensTests {
    static let tokens = RegistryTokens(key: Array(repeating: 42, count: 32))
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let account = "123456789012"
    static let repository = "0f6b7f3c-1d1e-4c52-9a1e-6d2b5e8c9a10"
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    // MARK: Passwords

    @Test func aPasswordNamesTheAccountItWasMadeFor() {
        let password = Self.tokens.password(accountID: Self.account, expiry: Self.now.addingTimeInterval(RegistryTokens.passwordLifetime))
        #expect(Self.tokens.account(forPassword: password, now: Self.now) == Self.account)
        #expect(Self.tokens.account(forPassword: password, now: Self.now.addingTimeInterval(12 * 3600 - 1)) == Self.account)
    }

    @Test func aPasswordIsValidTwelveHours() {
        #expect(RegistryTokens.passwordLifetime == 12 * 3600)
        let expiry = Self.now.addingTimeInterval(RegistryTokens.passwordLifetime)
        let password = Self.tokens.password(accountID: Self.account, expiry: expiry)
        #expect(Self.tokens.account(forPassword: password, now: expiry) == nil)
        #expect(Self.tokens.account(forPassword: password, now: expiry.addingTimeInterval(1)) == nil)
    }

    @Test func aPasswordMadeWithAnotherKeyIsRefused() {
        let other = RegistryTokens(key: Array(repeating: 43, count: 32))
        let password = other.password(accountID: Self.account, expiry: Self.now.addingTimeInterval(60))
        #expect(Self.tokens.account(forPassword: password, now: Self.now) == nil)
    }

    @Test func aPasswordWhoseAccountOrExpiryWasChangedIsRefused() throws {
        let expiry = Self.now.addingTimeInterval(60)
        let password = Self.tokens.password(accountID: Self.account, expiry: expiry)
        let mac = try #require(password.split(separator: ".").last)
        for payload in ["210987654321:\(Int64(expiry.timeIntervalSince1970))", "\(Self.account):\(Int64(expiry.timeIntervalSince1970) + 86_400)"] {
            let forged = Base64URL.encode(Array(payload.utf8)) + "." + mac
            #expect(Self.tokens.account(forPassword: forged, now: Self.now) == nil, "forged \(payload)")
        }
    }

    @Test(arguments: ["", ".", "abc", "a.b.c", "!!!.???", "QUJD.", ".QUJD"])
    func textThatIsNoPasswordIsRefused(text: String) {
        #expect(Self.tokens.account(forPassword: text, now: Self.now) == nil)
    }

    @Test func aPasswordWithAFlippedMACBitIsRefused() throws {
        let password = Self.tokens.password(accountID: Self.account, expiry: Self.now.addingTimeInterval(60))
        let pieces = password.split(separator: ".").map(String.init)
        var mac = try #require(Base64URL.decode(pieces[1]))
        mac[0] ^= 1
        #expect(Self.tokens.account(forPassword: pieces[0] + "." + Base64URL.encode(mac), now: Self.now) == nil)
    }

    // MARK: Download tokens

    @Test func aDownloadTokenOpensItsLayerForAnHour() {
        #expect(RegistryTokens.downloadLifetime == 3600)
        let expiry = Self.now.addingTimeInterval(RegistryTokens.downloadLifetime)
        let token = Self.tokens.downloadToken(repositoryID: Self.repository, digest: Self.digest, expiry: expiry)
        #expect(Self.tokens.verifyDownloadToken(token, repositoryID: Self.repository, digest: Self.digest, now: Self.now))
        #expect(Self.tokens.verifyDownloadToken(token, repositoryID: Self.repository, digest: Self.digest, now: expiry.addingTimeInterval(-1)))
        #expect(!Self.tokens.verifyDownloadToken(token, repositoryID: Self.repository, digest: Self.digest, now: expiry))
    }

    @Test func aDownloadTokenIsBoundToItsRepositoryAndDigest() {
        let token = Self.tokens.downloadToken(repositoryID: Self.repository, digest: Self.digest, expiry: Self.now.addingTimeInterval(60))
        #expect(!Self.tokens.verifyDownloadToken(token, repositoryID: "another-repository", digest: Self.digest, now: Self.now))
        #expect(!Self.tokens.verifyDownloadToken(token, repositoryID: Self.repository, digest: "sha256:" + String(repeating: "cd", count: 32),
                                                 now: Self.now))
    }

    @Test func aDownloadTokenWithALaterExpiryWrittenInIsRefused() throws {
        let token = Self.tokens.downloadToken(repositoryID: Self.repository, digest: Self.digest, expiry: Self.now.addingTimeInterval(60))
        let mac = try #require(token.split(separator: ".").last)
        let forged = "\(Int64(Self.now.timeIntervalSince1970) + 86_400)." + mac
        #expect(!Self.tokens.verifyDownloadToken(forged, repositoryID: Self.repository, digest: Self.digest, now: Self.now))
    }

    @Test func aDownloadTokenOfAnotherKeyIsRefused() {
        let other = RegistryTokens(key: Array(repeating: 43, count: 32))
        let token = other.downloadToken(repositoryID: Self.repository, digest: Self.digest, expiry: Self.now.addingTimeInterval(60))
        #expect(!Self.tokens.verifyDownloadToken(token, repositoryID: Self.repository, digest: Self.digest, now: Self.now))
    }

    @Test(arguments: ["", "123", "abc.def", "1700000060.", "1700000060.!!", "1.2.3"])
    func textThatIsNoDownloadTokenIsRefused(text: String) {
        #expect(!Self.tokens.verifyDownloadToken(text, repositoryID: Self.repository, digest: Self.digest, now: Self.now))
    }

    // MARK: Spellings

    /// The last base64url character of a 32-byte MAC carries 4 bits and 2 unused ones: a token whose last
    /// character differs only in those unused bits decodes to the same MAC, and must still be refused.
    @Test func aTokenSpelledWithOtherUnusedBitsIsRefused() throws {
        let expiry = Self.now.addingTimeInterval(60)
        let token = Self.tokens.downloadToken(repositoryID: Self.repository, digest: Self.digest, expiry: expiry)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = try #require(token.last)
        let value = try #require(alphabet.firstIndex(of: last))
        let twin = alphabet[value ^ 1]
        let respelled = String(token.dropLast()) + String(twin)
        #expect(Base64URL.decode(String(respelled.split(separator: ".")[1])) == Base64URL.decode(String(token.split(separator: ".")[1])))
        #expect(!Self.tokens.verifyDownloadToken(respelled, repositoryID: Self.repository, digest: Self.digest, now: Self.now))
        let password = Self.tokens.password(accountID: Self.account, expiry: expiry)
        let passwordLast = try #require(password.last)
        let passwordValue = try #require(alphabet.firstIndex(of: passwordLast))
        let passwordTwin = String(password.dropLast()) + String(alphabet[passwordValue ^ 1])
        #expect(Self.tokens.account(forPassword: passwordTwin, now: Self.now) == nil)
    }
}
