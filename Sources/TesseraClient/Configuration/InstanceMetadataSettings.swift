import Foundation

/// How to reach EC2's instance metadata service for the instance role's credentials, as botocore reads it:
/// off with `AWS_EC2_METADATA_DISABLED=true`; at `AWS_EC2_METADATA_SERVICE_ENDPOINT` or the profile's
/// `ec2_metadata_service_endpoint`, else `http://169.254.169.254`; each request within
/// `AWS_METADATA_SERVICE_TIMEOUT` seconds (1) and tried `AWS_METADATA_SERVICE_NUM_ATTEMPTS` times (1), so that
/// a machine that is not an EC2 instance says "no credentials" after a second.
public struct InstanceMetadataSettings: Sendable, Equatable {
    public let endpoint: URL
    public let timeout: Duration
    public let attempts: Int

    public init(endpoint: URL, timeout: Duration = .seconds(1), attempts: Int = 1) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.attempts = attempts
    }

    /// The settings `environment` and the profile's `settings` give, nil when the service is turned off.
    public init?(environment: [String: String], settings: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" { return nil }
        let text = value("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? settings["ec2_metadata_service_endpoint"] ?? "http://169.254.169.254"
        guard let url = URL(string: text), url.host?.isEmpty == false else {
            throw AWSClientConfigurationError.invalidEndpoint(text)
        }
        endpoint = url
        timeout = .milliseconds(Int64((Double(value("AWS_METADATA_SERVICE_TIMEOUT") ?? "1") ?? 1) * 1000))
        attempts = max(1, Int(value("AWS_METADATA_SERVICE_NUM_ATTEMPTS") ?? "1") ?? 1)
    }
}
