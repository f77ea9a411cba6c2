/// What is missing or wrong in the caller's AWS configuration, each worded for the person at the terminal.
public enum AWSClientConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case noCredentials(profile: String)
    case incompleteCredentials(profile: String, file: String)
    case profileNotFound(String)
    case noRegion
    case invalidEndpoint(String)
    case servicesSectionNotFound(profile: String, section: String)
    case credentialProcessFailed(profile: String, detail: String)
    case invalidRole(profile: String, detail: String)
    case roleAssumptionFailed(profile: String, roleARN: String, detail: String)
    case invalidContainerCredentials(String)
    case invalidSSO(profile: String, detail: String)
    case ssoLoginNeeded(profile: String, detail: String)
    case containerCredentialsFailed(url: String, detail: String)

    public var description: String {
        switch self {
        case .noCredentials(let profile):
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile '\(profile)' "
                + "to ~/.aws/credentials (aws configure)"
        case .incompleteCredentials(let profile, let file):
            "profile '\(profile)' in \(file) needs both aws_access_key_id and aws_secret_access_key"
        case .profileNotFound(let profile):
            "the config profile (\(profile)) could not be found in ~/.aws/credentials or ~/.aws/config"
        case .noRegion:
            "no region: pass --region, set AWS_REGION, or set region in your profile (aws configure)"
        case .servicesSectionNotFound(let profile, let section):
            "profile '\(profile)' names services section '\(section)', which is not in the config file"
        case .invalidEndpoint(let text):
            "invalid endpoint URL '\(text)': expected http://HOST[:PORT] or https://HOST[:PORT]"
        case .credentialProcessFailed(let profile, let detail):
            "the credential_process of profile '\(profile)' gave no credentials: \(detail)"
        case .invalidRole(let profile, let detail):
            "profile '\(profile)' cannot assume its role: \(detail)"
        case .roleAssumptionFailed(let profile, let roleARN, let detail):
            "profile '\(profile)' could not assume \(roleARN): \(detail)"
        case .invalidSSO(let profile, let detail):
            "profile '\(profile)' cannot sign in through SSO: \(detail)"
        case .ssoLoginNeeded(let profile, let detail):
            "profile '\(profile)' needs a new SSO sign-in (aws sso login --profile \(profile)): \(detail)"
        case .invalidContainerCredentials(let detail):
            "container credentials (AWS_CONTAINER_CREDENTIALS_*) cannot be used: \(detail)"
        case .containerCredentialsFailed(let url, let detail):
            "no container credentials from \(url): \(detail)"
        }
    }
}
