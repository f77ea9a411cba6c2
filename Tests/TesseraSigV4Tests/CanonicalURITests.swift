import Foundation
import Testing
@testable import TesseraSigV4

/// Canonical URI double encoding, checked against a canonical request written out by hand per the rules
/// (docs/aws/sigv4.md#canonical-request) and against botocore's signature for the same request.
struct CanonicalURITests {
    @Test func vaultNameWithSpaceAndPercentAsBotocoreSendsIt() throws {
        // botocore serialises vaultName "my vault%2F" into the wire path "/-/vaults/my%20vault%252F";
        // the canonical URI encodes that raw path once more: "%" -> "%25".
        let vector = BotocoreVectors.glacierOddVaultName
        #expect(vector.path == "/-/vaults/my%20vault%252F")
        let expectedCanonical = [
            "GET",
            "/-/vaults/my%2520vault%25252F",
            "",
            "host:localhost:4566",
            "x-amz-date:20260501T123456Z",
            "x-amz-glacier-version:2012-06-01",
            "",
            "host;x-amz-date;x-amz-glacier-version",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ].joined(separator: "\n")
        let canonical = SigV4CanonicalRequest.build(
            vector.request, signedHeaders: ["host", "x-amz-date", "x-amz-glacier-version"],
            payloadHash: TestSupport.emptySHA256)
        #expect(canonical == expectedCanonical)
        let (who, _) = try SigV4Verifier.verify(
            vector.request, now: try TestSupport.date(BotocoreVectors.signedAt), bodySHA256Hex: nil,
            secretFor: TestSupport.secrets(BotocoreVectors.accessKey, BotocoreVectors.secret))
        #expect(who.service == "glacier")
    }

    @Test func singleEncodingOfThePathDoesNotVerify() throws {
        // A server that decoded the path before canonicalising ("my vault%2F" -> "my%20vault%252F") fails.
        var decoded = BotocoreVectors.glacierOddVaultName.request
        decoded.path = "/-/vaults/my vault%2F"
        #expect(TestSupport.error(
            decoded, now: try TestSupport.date(BotocoreVectors.signedAt),
            secretFor: TestSupport.secrets(BotocoreVectors.accessKey, BotocoreVectors.secret)) == .signatureDoesNotMatch)
    }

    @Test(arguments: [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/a/./b/../c", "/a/c"),
        ("/a//b/", "/a/b/"),
        ("/a/b/..", "/a"),
        ("/../a", "/a"),
        ("/-/vaults/my%20vault", "/-/vaults/my%2520vault"),
        ("/a~b/c:d/e+f/ü", "/a~b/c%3Ad/e%2Bf/%C3%BC"),
    ])
    func canonicalURI(raw: String, expected: String) {
        #expect(SigV4CanonicalRequest.canonicalURI(raw) == expected)
    }
}
