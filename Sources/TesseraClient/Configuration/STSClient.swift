import Foundation

/// The two STS calls the client needs (Query protocol, XML answers): AssumeRole, signed with the source
/// credentials the service client holds, and AssumeRoleWithWebIdentity, unsigned (its client is
/// ``AWSCredentialProvider/anonymous``), with the token read from its file.
public struct STSClient: Sendable {
    public let service: AWSServiceClient

    public init(service: AWSServiceClient) {
        self.service = service
    }

    /// The role's temporary credentials, with their expiration.
    /// - Throws: ``AWSClientConfigurationError/roleAssumptionFailed(profile:roleARN:detail:)`` when STS refuses
    ///   or answers something else than credentials, or the token file cannot be read; transport errors as
    ///   they are.
    /// - Parameter mfaCode: the current code of the role's `mfa_serial` device, when it has one.
    public func assumeRole(_ role: AssumedRole, mfaCode: String? = nil) async throws -> AWSCredentials {
        func failed(_ detail: String) -> AWSClientConfigurationError {
            .roleAssumptionFailed(profile: role.profile, roleARN: role.roleARN, detail: detail)
        }
        var parameters: [(name: String, value: String)]
        if case .webIdentity(let tokenFile) = role.source {
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw failed("the web identity token file \(tokenFile) cannot be read")
            }
            parameters = [("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", role.roleARN),
                          ("RoleSessionName", role.sessionName), ("WebIdentityToken", token)]
        } else {
            parameters = [("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", role.roleARN),
                          ("RoleSessionName", role.sessionName)]
            if let external = role.externalID { parameters.append(("ExternalId", external)) }
            if let serial = role.mfaSerial {
                guard let mfaCode else { throw failed("it needs the code of MFA device \(serial)") }
                parameters += [("SerialNumber", serial), ("TokenCode", mfaCode)]
            }
        }
        if let seconds = role.durationSeconds { parameters.append(("DurationSeconds", String(seconds))) }
        let request = AWSRequest.query(parameters)
        let text: String
        do {
            text = String(decoding: try await service.send(request).body, as: UTF8.self)
        } catch let error as AWSServiceError {
            throw failed("\(error.code): \(error.message)")
        }
        guard let credentials = AWSServiceError.element("Credentials", in: text),
              let key = AWSServiceError.element("AccessKeyId", in: credentials),
              let secret = AWSServiceError.element("SecretAccessKey", in: credentials),
              let token = AWSServiceError.element("SessionToken", in: credentials),
              let expirationText = AWSServiceError.element("Expiration", in: credentials),
              let expiration = CredentialProcess.parseTimestamp(expirationText) else {
            throw failed("STS answered without credentials")
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
