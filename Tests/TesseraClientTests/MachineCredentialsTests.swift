import Foundation
import Testing
import TesseraClient

/// The chain's last links, a container's credentials endpoint and EC2 instance metadata: read from the
/// environment as botocore reads them, and looked for only when nothing else gave credentials.
struct MachineCredentialsTests {
    /// A machine whose container endpoint and instance metadata answer as told, logging what was asked.
    final class FakeMachine: MetadataCredentialsSource, @unchecked Sendable {
        private let lock = NSLock()
        private var asked: [String] = []
        let instanceCredentials: AWSCredentials?
        init(instanceCredentials: AWSCredentials?) { self.instanceCredentials = instanceCredentials }
        var log: [String] { lock.withLock { asked } }

        func containerCredentials(_ endpoint: ContainerCredentialsEndpoint) async throws -> AWSCredentials {
            lock.withLock { asked.append("container \(endpoint.url.absoluteString)") }
            return AWSCredentials(accessKeyID: "ASIACONTAINER", secretAccessKey: "s", sessionToken: "t", expiration: Date() + 3600)
        }

        func instanceMetadataCredentials(_ settings: InstanceMetadataSettings) async -> AWSCredentials? {
            lock.withLock { asked.append("instance \(settings.endpoint.absoluteString)") }
            return instanceCredentials
        }
    }

    static let instance = AWSCredentials(accessKeyID: "ASIAINSTANCE", secretAccessKey: "s", sessionToken: "t",
                                         expiration: Date() + 3600)

    static func resolver(_ environment: [String: String], credentialsFile: String? = nil) -> AWSConfigurationResolver {
        AWSConfigurationResolver(environment: environment.merging(["HOME": "/home/user"]) { $1 }) { path in
            path == "/home/user/.aws/credentials" ? credentialsFile : nil
        }
    }

    @Test func theContainerEndpointComesBeforeInstanceMetadata() async throws {
        let machine = FakeMachine(instanceCredentials: Self.instance)
        let environment = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
                           "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/ignored"]
        #expect(try await Self.resolver(environment).credentials(profile: nil, machine: machine).accessKeyID == "ASIACONTAINER")
        #expect(machine.log == ["container http://169.254.170.2/v2/credentials/abc"])
    }

    @Test func instanceMetadataIsTheLastLink() async throws {
        let machine = FakeMachine(instanceCredentials: Self.instance)
        let provider = try Self.resolver([:]).credentialProvider(profile: nil, machine: machine)
        #expect(machine.log.isEmpty, "asked when the first request is signed")
        #expect(try await provider.current().accessKeyID == "ASIAINSTANCE")
        #expect(machine.log == ["instance http://169.254.169.254"])
        #expect(provider.identity == "EC2 instance metadata")
    }

    @Test func noInstanceMetadataIsNoCredentials() async {
        let machine = FakeMachine(instanceCredentials: nil)
        await #expect(throws: AWSClientConfigurationError.noCredentials(profile: "default")) {
            try await Self.resolver([:]).credentials(profile: nil, machine: machine)
        }
    }

    @Test func anythingConfiguredComesFirstAndDisabledMetadataIsNotAsked() async throws {
        let machine = FakeMachine(instanceCredentials: Self.instance)
        let keys = "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n"
        #expect(try await Self.resolver([:], credentialsFile: keys).credentials(profile: nil, machine: machine).accessKeyID == "AKIDFILE")
        let disabled = ["AWS_EC2_METADATA_DISABLED": "true"]
        await #expect(throws: AWSClientConfigurationError.noCredentials(profile: "default")) {
            try await Self.resolver(disabled).credentials(profile: nil, machine: machine)
        }
        #expect(machine.log.isEmpty)
    }

    @Test func aRoleCanBeAssumedWithTheInstancesOrTheContainersCredentials() async throws {
        let machine = FakeMachine(instanceCredentials: Self.instance)
        let config = """
            [profile from-instance]
            role_arn = arn:aws:iam::1:role/worker
            credential_source = Ec2InstanceMetadata
            [profile from-container]
            role_arn = arn:aws:iam::1:role/task
            credential_source = EcsContainer
            """
        let signers = LockedList()
        let assume: RoleAssumer = { role, source in
            signers.append(try await source.current().accessKeyID)
            return AWSCredentials(accessKeyID: "ASIAROLE", secretAccessKey: "s", sessionToken: "t", expiration: Date() + 3600)
        }
        let resolver = AWSConfigurationResolver(environment: ["HOME": "/h", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/c"]) {
            $0 == "/h/.aws/config" ? config : nil
        }
        #expect(try await resolver.credentials(profile: "from-instance", assumeRole: assume, machine: machine).accessKeyID == "ASIAROLE")
        #expect(try await resolver.credentials(profile: "from-container", assumeRole: assume, machine: machine).accessKeyID == "ASIAROLE")
        #expect(signers.items == ["ASIAINSTANCE", "ASIACONTAINER"])
        #expect(machine.log == ["instance http://169.254.169.254", "container http://127.0.0.1:9/c"])
        let noContainer = AWSConfigurationResolver(environment: ["HOME": "/h"]) { $0 == "/h/.aws/config" ? config : nil }
        await #expect(throws: AWSClientConfigurationError.invalidRole(
            profile: "from-container",
            detail: "credential_source is EcsContainer, but AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")) {
            try await noContainer.credentials(profile: "from-container", assumeRole: assume, machine: machine)
        }
    }

    /// Strings appended from concurrent tasks.
    final class LockedList: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func append(_ item: String) { lock.withLock { list.append(item) } }
        var items: [String] { lock.withLock { list } }
    }

    @Test func instanceMetadataSettingsFromTheEnvironment() throws {
        let settings = try #require(try InstanceMetadataSettings(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:8111/", "AWS_METADATA_SERVICE_TIMEOUT": "2.5",
                          "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "3"], settings: [:]))
        #expect(settings == InstanceMetadataSettings(endpoint: URL(string: "http://127.0.0.1:8111/")!, timeout: .milliseconds(2500),
                                                     attempts: 3))
        #expect(try InstanceMetadataSettings(environment: ["AWS_EC2_METADATA_DISABLED": "TRUE"], settings: [:]) == nil)
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/creds", true), ("http://localhost/creds", true), ("http://[::1]:80/c", true),
        ("http://169.254.170.23/v1/credentials", true), ("https://creds.example.com/c", true),
        ("http://creds.example.com/c", false), ("http://10.0.0.1/c", false),
    ])
    func fullURIsArePlainHTTPOnlyToTheContainerAgentsOrLoopback(uri: String, allowed: Bool) throws {
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok"]
        if allowed {
            let endpoint = try #require(try ContainerCredentialsEndpoint(environment: environment))
            #expect(endpoint.url.absoluteString == uri && endpoint.authorizationToken == "tok")
        } else {
            #expect(throws: AWSClientConfigurationError.self) { try ContainerCredentialsEndpoint(environment: environment) }
        }
    }
}
