import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TesseraCore

/// The whole router in process: middleware order, auth, request ids, and a Glacier call end to end.
@Suite struct ServerRouterTests {
    static let requestID = HTTPField.Name("x-amzn-RequestId")!

    @Test func healthNeedsNoSignatureAndCarriesARequestID() async throws {
        try await SignedTestClient.with { client in try await Application(router: client.router).test(.router) { http in
            try await http.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[Self.requestID]?.isEmpty == false)
            }
        } }
    }

    @Test func unsignedRequestIsRefusedWithGlacierError() async throws {
        try await SignedTestClient.with { client in try await Application(router: client.router).test(.router) { http in
            try await http.execute(uri: "/-/vaults/v1", method: .put, headers: [HTTPField.Name("x-amz-glacier-version")!: "2012-06-01"]) { response in
                #expect(response.status == .badRequest)
                let body = String(buffer: response.body)
                #expect(body.contains("\"code\":\"MissingAuthenticationTokenException\""))
                #expect(body.contains("\"type\":\"Client\""))
            }
        } }
    }

    @Test func signedCreateThenDescribeUsesTheCallersAccountAndRegion() async throws {
        try await SignedTestClient.with { client in try await Application(router: client.router).test(.router) { http in
            let put = SignedTestClient.signedHeaders(method: "PUT", path: "/-/vaults/photos", body: [])
            try await http.execute(uri: "/-/vaults/photos", method: .put, headers: put) { response in
                #expect(response.status == .created)
                #expect(response.headers[.location] == "/210987654321/vaults/photos")
            }
            let get = SignedTestClient.signedHeaders(method: "GET", path: "/-/vaults/photos", body: [])
            try await http.execute(uri: "/-/vaults/photos", method: .get, headers: get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("arn:aws:glacier:eu-west-1:210987654321:vaults/photos"))
            }
        } }
    }

    @Test func wrongSecretIsInvalidSignature() async throws {
        try await SignedTestClient.with { client in try await Application(router: client.router).test(.router) { http in
            let headers = SignedTestClient.signedHeaders(method: "PUT", path: "/-/vaults/v1", body: [], secret: "not-the-secret")
            try await http.execute(uri: "/-/vaults/v1", method: .put, headers: headers) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("InvalidSignatureException"))
            }
        } }
    }

    @Test func bodyThatDoesNotMatchTheSignedHashIsRefusedAndNotStored() async throws {
        try await SignedTestClient.with { client in try await Application(router: client.router).test(.router) { http in
            try await http.execute(uri: "/-/vaults/v1", method: .put,
                                   headers: SignedTestClient.signedHeaders(method: "PUT", path: "/-/vaults/v1", body: [])) { _ in }
            let body = Array("archive bytes".utf8)
            let claimed = SHA256Value.of(Array("other bytes".utf8)).hex
            var headers = SignedTestClient.signedHeaders(
                method: "POST", path: "/-/vaults/v1/archives", body: body,
                extra: [("x-amz-sha256-tree-hash", TreeHash.of(body).hex)], payloadHash: claimed)
            headers[.contentLength] = String(body.count)
            try await http.execute(uri: "/-/vaults/v1/archives", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("InvalidSignatureException"))
            }
            try await http.execute(uri: "/-/vaults/v1", method: .get,
                                   headers: SignedTestClient.signedHeaders(method: "GET", path: "/-/vaults/v1", body: [])) { response in
                #expect(String(buffer: response.body).contains("\"NumberOfArchives\":0"))
            }
        } }
    }
}
