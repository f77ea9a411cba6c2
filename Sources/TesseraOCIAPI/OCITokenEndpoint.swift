import Foundation
import Hummingbird
import TesseraEngine
import TesseraFrontDoor
import TesseraWire

/// `GET /token` of the public registry port: the realm its Bearer challenge names, as public.ecr.aws/token
/// is. Without credentials it hands out the anonymous token, which pulls public repositories; with Basic
/// `AWS:<password>` (what `docker login` stored) it checks the password and hands it back as the token, so the
/// token carries the caller's account. Answers as the distribution token specification describes
/// (`token`, `access_token`, `expires_in`, `issued_at`); `service` and `scope` are accepted and not needed.
public enum OCITokenEndpoint {
    /// The token of a caller without credentials.
    public static let anonymousToken = "anonymous"
    /// How long clients are told a token lasts: ECR's registry passwords last 12 hours.
    static let lifetime = 12 * 3600

    public static func register(on router: Router<TesseraRequestContext>, service: RegistryService) {
        // The router matches `/token/` here too.
        do {
            router.get("/token") { request, context in
                context.annotations.operation = "GetRegistryToken"
                let token: String
                if let header = request.headers[.authorization] {
                    guard let password = OCIAPI.basicPassword(header), service.principal(forPassword: password) != nil else {
                        return OCIResponse.error(OCIWireError(.unauthorized, "the user must be AWS and the password one of GetAuthorizationToken"))
                    }
                    token = password
                } else {
                    token = anonymousToken
                }
                return try OCIResponse.json(TokenAnswer(token: token, access_token: token, expires_in: lifetime,
                                                        issued_at: ISO8601DateFormatter().string(from: Date())))
            }
        }
    }

    /// The answer's shape, named as the token specification names its fields.
    struct TokenAnswer: Encodable {
        var token: String
        var access_token: String
        var expires_in: Int
        var issued_at: String
    }
}
