import Foundation
import Testing
@testable import TesseraSigV4

/// Failure cases of `SigV4Verifier.verify`, on requests signed by `SigV4Signer`.
struct VerifierErrorTests {
    static let accessKey = "AKIDTESTKEY"
    static let secret = "test/secret+key"
    let secrets = TestSupport.secrets(Self.accessKey, Self.secret)

    func signed(at iso: String = "20170111T204052Z", body: String = TestSupport.emptySHA256,
                content: Bool = false) throws -> SigV4Request {
        let request = SigV4Request(method: "POST", path: "/", query: "", headers: [
            ("Host", "api.ecr.us-east-1.amazonaws.com"), ("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.ListImages"),
            ("Content-Type", "application/x-amz-json-1.1"),
        ])
        return SigV4Signer.sign(
            request, accessKey: Self.accessKey, secret: Self.secret, region: "us-east-1", service: "ecr",
            date: try TestSupport.date(iso), payloadSHA256Hex: body, includeContentSHA256: content)
    }

    func authorization(_ value: String) throws -> SigV4Request {
        try signed().setting("Authorization", value)
    }

    @Test func unknownAccessKey() throws {
        let error = TestSupport.error(try signed(), now: try TestSupport.date("20170111T204052Z")) { _ in nil }
        #expect(error == .unrecognizedClient)
        #expect(error?.message == "The security token included in the request is invalid.")
    }

    @Test func wrongSecret() throws {
        let error = TestSupport.error(try signed(), now: try TestSupport.date("20170111T204052Z")) { _ in "other" }
        #expect(error == .signatureDoesNotMatch)
        #expect(error?.message == "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
    }

    @Test func tamperedSignedHeader() throws {
        let request = try signed().setting("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DeleteRepository")
        #expect(TestSupport.error(request, now: try TestSupport.date("20170111T204052Z"), secretFor: secrets)
            == .signatureDoesNotMatch)
    }

    @Test func tamperedBodyHash() throws {
        let other = String(repeating: "ab", count: 32)
        #expect(TestSupport.error(try signed(), now: try TestSupport.date("20170111T204052Z"), body: other,
                                  secretFor: secrets) == .signatureDoesNotMatch)
        let withHeader = try signed(body: other, content: true).setting("x-amz-content-sha256", TestSupport.emptySHA256)
        #expect(TestSupport.error(withHeader, now: try TestSupport.date("20170111T204052Z"), secretFor: secrets)
            == .signatureDoesNotMatch)
    }

    @Test func expiredWithTheExactAwsMessage() throws {
        let error = TestSupport.error(try signed(), now: try TestSupport.date("20170111T230949Z"), secretFor: secrets)
        #expect(error == .expired(
            "Signature expired: 20170111T204052Z is now earlier than 20170111T225449Z (20170111T230949Z - 15 min.)"))
        #expect(error?.message
            == "Signature expired: 20170111T204052Z is now earlier than 20170111T225449Z (20170111T230949Z - 15 min.)")
    }

    @Test func notYetCurrentWithTheExactMessage() throws {
        let error = TestSupport.error(
            try signed(at: "20170111T232450Z"), now: try TestSupport.date("20170111T230949Z"), secretFor: secrets)
        #expect(error == .notYetCurrent(
            "Signature not yet current: 20170111T232450Z is still later than 20170111T232449Z (20170111T230949Z + 15 min.)"))
    }

    @Test func skewOfExactlyFifteenMinutesIsAccepted() throws {
        let request = try signed()
        _ = try SigV4Verifier.verify(
            request, now: try TestSupport.date("20170111T204052Z", plus: 900), bodySHA256Hex: nil, secretFor: secrets)
        _ = try SigV4Verifier.verify(
            request, now: try TestSupport.date("20170111T204052Z", plus: -900), bodySHA256Hex: nil, secretFor: secrets)
        #expect(TestSupport.error(request, now: try TestSupport.date("20170111T204052Z", plus: 901), secretFor: secrets)
            == .expired("Signature expired: 20170111T204052Z is now earlier than 20170111T204053Z (20170111T205553Z - 15 min.)"))
    }

    @Test func missingAuthentication() throws {
        let request = try signed().removing("Authorization")
        let error = TestSupport.error(request, now: try TestSupport.date("20170111T204052Z"), secretFor: secrets)
        #expect(error == .missingAuthenticationToken)
        #expect(error?.message == "Missing Authentication Token")
    }

    @Test(arguments: [
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/20170111/us-east-1/ecr/aws4_request, SignedHeaders=host",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/20170111/us-east-1/ecr, SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/20170111/us-east-1/ecr/aws4_reqest, SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/2017011/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/20170111/us-east-1/ecr/aws4_request, SignedHeaders=x-amz-date, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/20170111/us-east-1/ecr/aws4_request, SignedHeaders=host;;x-amz-date, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/20170112/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=abc",
        "",
    ])
    func malformedAuthorization(header: String) throws {
        let error = TestSupport.error(
            try authorization(header), now: try TestSupport.date("20170111T204052Z"), secretFor: secrets)
        guard case .incompleteSignature(let message) = error else {
            Issue.record("expected incompleteSignature, got \(String(describing: error))")
            return
        }
        #expect(!message.isEmpty)
    }

    @Test func missingPartsAreNamedInTheMessage() throws {
        let error = TestSupport.error(
            try authorization("AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/20170111/us-east-1/ecr/aws4_request"),
            now: try TestSupport.date("20170111T204052Z"), secretFor: secrets)
        #expect(error?.message.hasPrefix(
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.")
            == true)
    }

    @Test func missingDate() throws {
        let error = TestSupport.error(
            try signed().removing("x-amz-date"), now: try TestSupport.date("20170111T204052Z"), secretFor: secrets)
        #expect(error == .incompleteSignature(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."))
    }

    @Test(arguments: ["AWS AKIDTESTKEY:c2lnbmF0dXJl", "AWS4-ECDSA-P256-SHA256 Credential=x, SignedHeaders=host, Signature=y"])
    func unsupportedAlgorithm(header: String) throws {
        let error = TestSupport.error(
            try authorization(header), now: try TestSupport.date("20170111T204052Z"), secretFor: secrets)
        guard case .unsupportedAlgorithm = error else {
            Issue.record("expected unsupportedAlgorithm, got \(String(describing: error))")
            return
        }
    }

    @Test func streamingPayloadIsRejectedNotCrashed() throws {
        let request = try signed(body: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", content: true)
        let error = TestSupport.error(request, now: try TestSupport.date("20170111T204052Z"), secretFor: secrets)
        guard case .incompleteSignature = error else {
            Issue.record("expected incompleteSignature, got \(String(describing: error))")
            return
        }
    }

    @Test func bothAuthMechanismsAreRejected() throws {
        var request = try signed()
        request.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        let error = TestSupport.error(request, now: try TestSupport.date("20170111T204052Z"), secretFor: secrets)
        guard case .incompleteSignature = error else {
            Issue.record("expected incompleteSignature, got \(String(describing: error))")
            return
        }
    }
}
