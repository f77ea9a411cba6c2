import Foundation

/// The JSON object in which a container's credentials endpoint and EC2's instance metadata hand out temporary
/// credentials: `AccessKeyId`, `SecretAccessKey`, `Token` and `Expiration` (ISO 8601), and from instance
/// metadata a `Code` that is `Success` when the rest is there.
enum TemporaryCredentialsJSON {
    /// Why an answer holds no credentials.
    struct Unusable: Error {
        let reason: String
    }

    /// The credentials in `bytes`, or why there are none.
    static func parse(_ bytes: [UInt8]) -> Result<AWSCredentials, Unusable> {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            return .failure(Unusable(reason: "the answer is not a JSON object"))
        }
        if let code = object["Code"] as? String, code != "Success" {
            return .failure(Unusable(reason: "the answer's Code is \(code)"))
        }
        guard let key = object["AccessKeyId"] as? String, !key.isEmpty,
              let secret = object["SecretAccessKey"] as? String, !secret.isEmpty else {
            return .failure(Unusable(reason: "the answer lacks AccessKeyId or SecretAccessKey"))
        }
        var expiration: Date?
        if let text = object["Expiration"] as? String {
            guard let date = CredentialProcess.parseTimestamp(text) else {
                return .failure(Unusable(reason: "the answer's Expiration is not an ISO 8601 time"))
            }
            expiration = date
        }
        let token = (object["Token"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return .success(AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token, expiration: expiration))
    }
}
