import Foundation
import Testing
@testable import TesseraSigV4

/// Requests signed by real botocore 1.43.11 clients (see Fixtures/make_botocore_vectors.py).
struct BotocoreVectorTests {
    let secrets = TestSupport.secrets(BotocoreVectors.accessKey, BotocoreVectors.secret)

    func now(plus seconds: Int64 = 3) throws -> Date {
        try TestSupport.date(BotocoreVectors.signedAt, plus: seconds)
    }

    func identity(_ service: String) -> SigV4Identity {
        SigV4Identity(accessKey: BotocoreVectors.accessKey, region: "us-east-1", service: service, date: "20260501")
    }

    @Test func glacierUploadPartWithContentSHA256() throws {
        let vector = BotocoreVectors.glacierUploadPart
        let (who, payload) = try SigV4Verifier.verify(vector.request, now: try now(), bodySHA256Hex: nil, secretFor: secrets)
        #expect(who == identity("glacier"))
        #expect(payload == .sha256Hex(vector.bodySHA256))
    }

    @Test func glacierUploadPartTamperedSignedHeaderFails() throws {
        let tampered = BotocoreVectors.glacierUploadPart.request.setting("Content-Range", "bytes 0-18/*")
        #expect(TestSupport.error(tampered, now: try now(), secretFor: secrets) == .signatureDoesNotMatch)
    }

    @Test func glacierUploadPartTamperedContentSHA256Fails() throws {
        let tampered = BotocoreVectors.glacierUploadPart.request.setting("x-amz-content-sha256", TestSupport.emptySHA256)
        #expect(TestSupport.error(tampered, now: try now(), secretFor: secrets) == .signatureDoesNotMatch)
    }

    @Test func unsignedHeadersMayChangeOrVanish() throws {
        let request = BotocoreVectors.glacierUploadPart.request
            .setting("User-Agent", "something else").removing("amz-sdk-request").setting("Content-Length", "99")
        let (_, payload) = try SigV4Verifier.verify(request, now: try now(), bodySHA256Hex: nil, secretFor: secrets)
        #expect(payload == .sha256Hex(BotocoreVectors.glacierUploadPart.bodySHA256))
    }

    @Test func glacierListUploadsWithEncodedQuery() throws {
        let vector = BotocoreVectors.glacierListUploads
        #expect(vector.query == "limit=2&marker=abc%2Fd")
        let (who, payload) = try SigV4Verifier.verify(vector.request, now: try now(), bodySHA256Hex: nil, secretFor: secrets)
        #expect(who == identity("glacier"))
        #expect(payload == .notGiven)
        var tampered = vector.request
        tampered.query = "limit=3&marker=abc%2Fd"
        #expect(TestSupport.error(tampered, now: try now(), secretFor: secrets) == .signatureDoesNotMatch)
    }

    @Test func queryOrderAndEquivalentEncodingDoNotMatter() throws {
        var reordered = BotocoreVectors.glacierListUploads.request
        reordered.query = "marker=abc%2fd&limit=2"
        _ = try SigV4Verifier.verify(reordered, now: try now(), bodySHA256Hex: nil, secretFor: secrets)
    }

    @Test func ecrJsonPostWithoutContentSHA256UsesTheBodyHash() throws {
        let vector = BotocoreVectors.ecrDescribeRepositories
        #expect(vector.request.headerValue("x-amz-content-sha256") == nil)
        let (who, payload) = try SigV4Verifier.verify(
            vector.request, now: try now(), bodySHA256Hex: vector.bodySHA256, secretFor: secrets)
        #expect(who == identity("ecr"))
        #expect(payload == .notGiven)
    }

    @Test func ecrTamperedBodyHashFails() throws {
        let vector = BotocoreVectors.ecrDescribeRepositories
        #expect(TestSupport.error(vector.request, now: try now(), body: TestSupport.emptySHA256, secretFor: secrets)
            == .signatureDoesNotMatch)
        #expect(TestSupport.error(vector.request, now: try now(), body: nil, secretFor: secrets) == .signatureDoesNotMatch)
    }

    @Test func ebsPutSnapshotBlockUnsignedPayload() throws {
        let vector = BotocoreVectors.ebsPutSnapshotBlock
        let (who, payload) = try SigV4Verifier.verify(vector.request, now: try now(), bodySHA256Hex: nil, secretFor: secrets)
        #expect(who == identity("ebs"))
        #expect(payload == .unsigned)
    }

    @Test func dateHeaderInsteadOfXAmzDate() throws {
        let vector = BotocoreVectors.glacierDateHeader
        #expect(vector.request.headerValue("x-amz-date") == nil)
        let (who, _) = try SigV4Verifier.verify(vector.request, now: try now(), bodySHA256Hex: nil, secretFor: secrets)
        #expect(who == identity("glacier"))
        let skewed = vector.request.setting("Date", "Fri, 01 May 2026 12:34:57 GMT")
        #expect(TestSupport.error(skewed, now: try now(), secretFor: secrets) == .signatureDoesNotMatch)
    }

    @Test func presignedGetSignedOverTheEmptyBodyHash() throws {
        let vector = BotocoreVectors.glacierPresignedListVaults
        let (who, payload) = try SigV4Verifier.verify(vector.request, now: try now(), bodySHA256Hex: nil, secretFor: secrets)
        #expect(who == identity("glacier"))
        #expect(payload == .notGiven)
        let bare = vector.request.removing("x-amz-glacier-version")
        _ = try SigV4Verifier.verify(bare, now: try now(plus: 900), bodySHA256Hex: nil, secretFor: secrets)
    }

    @Test func presignedGetExpiresAfterXAmzExpires() throws {
        let vector = BotocoreVectors.glacierPresignedListVaults
        #expect(TestSupport.error(vector.request, now: try now(plus: 901), secretFor: secrets) == .presignedExpired)
    }

    @Test func presignedGetTamperedQueryFails() throws {
        var tampered = BotocoreVectors.glacierPresignedListVaults.request
        tampered.query = tampered.query.replacingOccurrences(of: "limit=10", with: "limit=11")
        #expect(TestSupport.error(tampered, now: try now(), secretFor: secrets) == .signatureDoesNotMatch)
    }
}
