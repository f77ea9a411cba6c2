import Foundation
import Testing
@testable import TesseraSigV4

/// `SigV4Signer` output is accepted by `SigV4Verifier`, for headers and presigned URLs.
struct SignerRoundTripTests {
    static let accessKey = "AKIDROUNDTRIP"
    static let secret = "round/trip+secret"
    let secrets = TestSupport.secrets(Self.accessKey, Self.secret)
    let base = SigV4Request(method: "PUT", path: "/-/vaults/v.1/multipart-uploads/x", query: "b=2&a=1", headers: [
        ("Host", "localhost:4566"), ("Content-Range", "bytes 0-9/*"), ("X-Repeat", " one "), ("x-repeat", "two  three"),
        ("User-Agent", "test"), ("Content-Length", "10"),
    ])

    @Test func headerSigningWithContentSHA256() throws {
        let hash = String(repeating: "0f", count: 32)
        let signed = SigV4Signer.sign(
            base, accessKey: Self.accessKey, secret: Self.secret, region: "eu-west-3", service: "glacier",
            date: try TestSupport.date("20260102T030405Z"), payloadSHA256Hex: hash.uppercased(), includeContentSHA256: true)
        let authorization = try #require(signed.headerValue("authorization"))
        #expect(authorization.contains(
            "SignedHeaders=content-length;content-range;host;x-amz-content-sha256;x-amz-date;x-repeat,"))
        let (who, payload) = try SigV4Verifier.verify(
            signed, now: try TestSupport.date("20260102T030405Z"), bodySHA256Hex: nil, secretFor: secrets)
        #expect(who == SigV4Identity(accessKey: Self.accessKey, region: "eu-west-3", service: "glacier", date: "20260102"))
        #expect(payload == .sha256Hex(hash))
    }

    @Test func resigningReplacesOldAuthHeaders() throws {
        let once = SigV4Signer.sign(
            base, accessKey: Self.accessKey, secret: Self.secret, region: "us-east-1", service: "ebs",
            date: try TestSupport.date("20260102T030405Z"), payloadSHA256Hex: "UNSIGNED-PAYLOAD", includeContentSHA256: true)
        let twice = SigV4Signer.sign(
            once, accessKey: Self.accessKey, secret: Self.secret, region: "us-east-1", service: "ebs",
            date: try TestSupport.date("20260102T030406Z"), payloadSHA256Hex: "UNSIGNED-PAYLOAD", includeContentSHA256: true)
        #expect(twice.headerValues("authorization").count == 1)
        #expect(twice.headerValues("x-amz-date") == ["20260102T030406Z"])
        let (_, payload) = try SigV4Verifier.verify(
            twice, now: try TestSupport.date("20260102T030405Z"), bodySHA256Hex: nil, secretFor: secrets)
        #expect(payload == .unsigned)
    }

    @Test func presignedUnsignedPayload() throws {
        let presigned = SigV4Signer.presign(
            base, accessKey: Self.accessKey, secret: Self.secret, region: "us-east-1", service: "glacier",
            date: try TestSupport.date("20260102T030405Z"), expires: 60)
        #expect(presigned.query.hasPrefix("b=2&a=1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDROUNDTRIP%2F20260102"))
        let (_, payload) = try SigV4Verifier.verify(
            presigned, now: try TestSupport.date("20260102T030405Z", plus: 60), bodySHA256Hex: nil, secretFor: secrets)
        #expect(payload == .unsigned)
        #expect(TestSupport.error(presigned, now: try TestSupport.date("20260102T030405Z", plus: 61), secretFor: secrets)
            == .presignedExpired)
        #expect(TestSupport.error(presigned, now: try TestSupport.date("20260102T030405Z", plus: -901), secretFor: secrets)
            == .notYetCurrent(
                "Signature not yet current: 20260102T030405Z is still later than 20260102T030404Z (20260102T024904Z + 15 min.)"))
    }

    @Test func presignedRejectsMoreThanAWeek() throws {
        let presigned = SigV4Signer.presign(
            base, accessKey: Self.accessKey, secret: Self.secret, region: "us-east-1", service: "glacier",
            date: try TestSupport.date("20260102T030405Z"), expires: 604_801)
        let error = TestSupport.error(presigned, now: try TestSupport.date("20260102T030405Z"), secretFor: secrets)
        #expect(error == .incompleteSignature("X-Amz-Expires must be less than a week (in seconds) that is 604800."))
    }

    @Test func presignedMissingSignatureAndBadAlgorithm() throws {
        let presigned = SigV4Signer.presign(
            base, accessKey: Self.accessKey, secret: Self.secret, region: "us-east-1", service: "glacier",
            date: try TestSupport.date("20260102T030405Z"), expires: 60)
        var unsignedURL = presigned
        unsignedURL.query = presigned.query.components(separatedBy: "&X-Amz-Signature=")[0]
        let missing = TestSupport.error(unsignedURL, now: try TestSupport.date("20260102T030405Z"), secretFor: secrets)
        #expect(missing == .incompleteSignature("Query-string authentication requires the X-Amz-Signature parameter(s)."))
        var otherAlgorithm = presigned
        otherAlgorithm.query = presigned.query.replacingOccurrences(
            of: "X-Amz-Algorithm=AWS4-HMAC-SHA256", with: "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256")
        #expect(TestSupport.error(otherAlgorithm, now: try TestSupport.date("20260102T030405Z"), secretFor: secrets)
            == .unsupportedAlgorithm("AWS4-ECDSA-P256-SHA256"))
        let unknownKey = TestSupport.error(presigned, now: try TestSupport.date("20260102T030405Z")) { _ in nil }
        #expect(unknownKey == .unrecognizedClient)
    }
}
