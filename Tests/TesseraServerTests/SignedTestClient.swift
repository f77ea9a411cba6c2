import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import TesseraCore
import TesseraFrontDoor
import TesseraServer
import TesseraSigV4

/// Builds the real router over stores in a temporary directory and signs requests the way the SDKs do.
struct SignedTestClient {
    static let account = CredentialStore.Account(accessKey: "AKIDSERVERTEST", secret: "server-test-secret", accountID: "210987654321")

    let router: Router<TesseraRequestContext>

    /// Runs `body` against a router over fresh stores, then closes and removes them.
    static func with(_ body: (SignedTestClient) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-server-\(UUID().uuidString)").path
        let stores = try await ServerStores.open(dataDirectory: directory, logger: .init(label: "test"))
        let router = TesseraServer.makeRouter(configuration: ServerConfiguration(), stores: stores,
                                              credentials: CredentialStore([account]), metrics: PrometheusCollectorRegistry())
        do {
            try await body(SignedTestClient(router: router))
        } catch {
            try? await stores.metadata.close()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        try await stores.metadata.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Headers for a Glacier request signed with `secret` (the account's own unless given).
    static func signedHeaders(method: String, path: String, body: [UInt8], extra: [(String, String)] = [],
                              secret: String = account.secret, payloadHash: String? = nil) -> HTTPFields {
        let unsigned = SigV4Request(method: method, path: path, query: "",
                                    headers: [("host", "localhost"), ("x-amz-glacier-version", "2012-06-01")] + extra)
        let hash = payloadHash ?? SHA256Value.of(body).hex
        let signed = SigV4Signer.sign(unsigned, accessKey: account.accessKey, secret: secret, region: "eu-west-1",
                                      service: "glacier", date: Date(), payloadSHA256Hex: hash, includeContentSHA256: true)
        var fields = HTTPFields()
        for (name, value) in signed.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return fields
    }
}
