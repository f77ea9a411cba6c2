import Foundation
import Testing
@testable import TesseraSigV4

/// The Glacier developer guide's signing example (docs/aws/sigv4.md#glacier-test-vector).
struct GlacierDocumentedVectorTests {
    static let accessKey = "AKIAIOSFODNN7EXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let signature = "3ce5b2f2fffac9262b4da9256f8d086b4aaf42eba5f111c21681a65a127b7c2a"
    static let unsigned = SigV4Request(
        method: "PUT", path: "/-/vaults/examplevault", query: "",
        headers: [("Host", "glacier.us-east-1.amazonaws.com"), ("x-amz-glacier-version", "2012-06-01")])

    @Test func canonicalRequestMatchesTheDocument() {
        let request = Self.unsigned.setting("x-amz-date", "20120525T002453Z")
        let canonical = SigV4CanonicalRequest.build(
            request, signedHeaders: ["host", "x-amz-date", "x-amz-glacier-version"], payloadHash: TestSupport.emptySHA256)
        #expect(canonical == """
            PUT
            /-/vaults/examplevault

            host:glacier.us-east-1.amazonaws.com
            x-amz-date:20120525T002453Z
            x-amz-glacier-version:2012-06-01

            host;x-amz-date;x-amz-glacier-version
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        let stringToSign = SigV4SigningKey.stringToSign(
            timestamp: "20120525T002453Z", scope: "20120525/us-east-1/glacier/aws4_request", canonicalRequest: canonical)
        let hash = String(stringToSign.split(separator: "\n").last ?? "")
        #expect(hash.hasPrefix("5f1da1a2") && hash.hasSuffix("916743"))
    }

    @Test func signerProducesTheDocumentedSignature() throws {
        let signed = SigV4Signer.sign(
            Self.unsigned, accessKey: Self.accessKey, secret: Self.secret, region: "us-east-1", service: "glacier",
            date: try TestSupport.date("20120525T002453Z"), payloadSHA256Hex: TestSupport.emptySHA256,
            includeContentSHA256: false)
        #expect(signed.headerValue("x-amz-date") == "20120525T002453Z")
        #expect(signed.headerValue("x-amz-content-sha256") == nil)
        #expect(signed.headerValue("authorization") == "AWS4-HMAC-SHA256 "
            + "Credential=AKIAIOSFODNN7EXAMPLE/20120525/us-east-1/glacier/aws4_request, "
            + "SignedHeaders=host;x-amz-date;x-amz-glacier-version, Signature=\(Self.signature)")
    }

    @Test func verifierAcceptsTheDocumentedSignature() throws {
        let request = Self.unsigned.setting("x-amz-date", "20120525T002453Z").setting(
            "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20120525/us-east-1/glacier/aws4_request,"
                + "SignedHeaders=host;x-amz-date;x-amz-glacier-version,Signature=\(Self.signature)")
        let (identity, payload) = try SigV4Verifier.verify(
            request, now: try TestSupport.date("20120525T002453Z", plus: 60), bodySHA256Hex: nil,
            secretFor: TestSupport.secrets(Self.accessKey, Self.secret))
        #expect(identity == SigV4Identity(
            accessKey: Self.accessKey, region: "us-east-1", service: "glacier", date: "20120525"))
        #expect(payload == .notGiven)
    }
}
