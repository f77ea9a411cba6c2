/// The one STS call the client needs: AssumeRole (Query protocol, XML answer), signed with the source
/// credentials the service client holds.
public struct STSClient: Sendable {
    public let service: AWSServiceClient

    public init(service: AWSServiceClient) {
        self.service = service
    }

    /// The role's temporary credentials, with their expiration.
    /// - Throws: ``AWSClientConfigurationError/roleAssumptionFailed(profile:detail:)`` when STS refuses or
    ///   answers something else than credentials; transport errors as they are.
    public func assumeRole(_ role: AssumedRole) async throws -> AWSCredentials {
        var parameters = [("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", role.roleARN),
                          ("RoleSessionName", role.sessionName)]
        if let seconds = role.durationSeconds { parameters.append(("DurationSeconds", String(seconds))) }
        if let external = role.externalID { parameters.append(("ExternalId", external)) }
        let request = AWSRequest.query(parameters.map { (name: $0.0, value: $0.1) })
        func failed(_ detail: String) -> AWSClientConfigurationError {
            .roleAssumptionFailed(profile: role.profile, roleARN: role.roleARN, detail: detail)
        }
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
