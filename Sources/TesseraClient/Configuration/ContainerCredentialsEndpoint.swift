import Foundation

/// Where a container's credentials come from (ECS task roles, EKS Pod Identity), as botocore's container
/// provider reads it: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (a path on `http://169.254.170.2`) or else
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` — over http only to a loopback address or the container agents'
/// `169.254.170.2`, `169.254.170.23` and `fd00:ec2::23`, any host over https — with the `Authorization` header
/// from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at every fetch) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
public struct ContainerCredentialsEndpoint: Sendable, Equatable {
    public let url: URL
    public let authorizationToken: String?
    public let authorizationTokenFile: String?

    public init(url: URL, authorizationToken: String? = nil, authorizationTokenFile: String? = nil) {
        self.url = url
        self.authorizationToken = authorizationToken
        self.authorizationTokenFile = authorizationTokenFile
    }

    /// The endpoint `environment` names, nil when it names none.
    /// - Throws: ``AWSClientConfigurationError/invalidContainerCredentials(_:)`` for a URI that cannot be used.
    public init?(environment: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let text: String
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            text = "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            text = full
        } else {
            return nil
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw AWSClientConfigurationError.invalidContainerCredentials("\(text) is not a URL")
        }
        guard scheme == "https" || (scheme == "http" && Self.allowsPlainHTTP(host)) else {
            throw AWSClientConfigurationError.invalidContainerCredentials(
                "\(text) must use https, or http to a loopback address, 169.254.170.2 or 169.254.170.23")
        }
        self.url = url
        authorizationToken = value("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        authorizationTokenFile = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
    }

    static func allowsPlainHTTP(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare.hasPrefix("127.") || bare == "::1" || bare == "169.254.170.2"
            || bare == "169.254.170.23" || bare == "fd00:ec2::23"
    }

    /// The `Authorization` header's value for the next fetch: the token file's contents if it is set, else
    /// the token.
    func authorization() throws -> String? {
        guard let file = authorizationTokenFile else { return authorizationToken }
        guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw AWSClientConfigurationError.invalidContainerCredentials("the authorization token file \(file) cannot be read")
        }
        return token.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
