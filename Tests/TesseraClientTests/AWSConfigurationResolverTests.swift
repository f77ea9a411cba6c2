import Foundation
import Testing
import TesseraClient

/// Credentials, region and endpoint resolution, in the AWS CLI's order, from a given environment and files.
struct AWSConfigurationResolverTests {
    static let credentialsFile = """
        # a comment
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = secret-default

        [dev]
        aws_access_key_id=AKIDDEV
        aws_secret_access_key=secret/dev+x=
        aws_session_token = token-dev
        [broken]
        aws_access_key_id = AKIDBROKEN
        """
    static let configFile = """
        [default]
        region = eu-west-1
        [profile dev]
        region = us-west-2
        endpoint_url = http://127.0.0.1:9000
        s3 =
          max_concurrent_requests = 20
        [profile onlyconfig]
        aws_access_key_id = AKIDCONFIG
        aws_secret_access_key = secret-config
        """

    static func resolver(_ environment: [String: String]) -> AWSConfigurationResolver {
        var environment = environment
        environment["HOME"] = "/home/user"
        return AWSConfigurationResolver(environment: environment) { path in
            switch path {
            case "/home/user/.aws/credentials": credentialsFile
            case "/home/user/.aws/config": configFile
            default: nil
            }
        }
    }

    @Test func environmentKeysComeBeforeTheDefaultProfile() async throws {
        let resolver = Self.resolver(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"])
        #expect(try await resolver.credentials(profile: nil) == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "s", sessionToken: "t"))
    }

    @Test func anExplicitProfileComesBeforeEnvironmentKeys() async throws {
        let resolver = Self.resolver(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"])
        #expect(try await resolver.credentials(profile: "dev")
            == AWSCredentials(accessKeyID: "AKIDDEV", secretAccessKey: "secret/dev+x=", sessionToken: "token-dev"))
    }

    @Test func awsProfileSelectsTheProfile() async throws {
        #expect(try await Self.resolver(["AWS_PROFILE": "dev"]).credentials(profile: nil).accessKeyID == "AKIDDEV")
        #expect(try await Self.resolver([:]).credentials(profile: nil).accessKeyID == "AKIDDEFAULT")
    }

    @Test func keysInTheConfigFileAreFound() async throws {
        #expect(try await Self.resolver([:]).credentials(profile: "onlyconfig").accessKeyID == "AKIDCONFIG")
    }

    @Test func aProfileWithoutItsSecretIsNamed() async {
        await #expect(throws: AWSClientConfigurationError.incompleteCredentials(profile: "broken", file: "/home/user/.aws/credentials")) {
            try await Self.resolver([:]).credentials(profile: "broken")
        }
    }

    @Test func anUnknownProfileIsNamed() async {
        await #expect(throws: AWSClientConfigurationError.profileNotFound("nope")) {
            try await Self.resolver([:]).credentials(profile: "nope")
        }
    }

    @Test func noCredentialsAtAllSaysWhatToSet() async {
        let resolver = AWSConfigurationResolver(environment: ["HOME": "/nowhere"]) { _ in nil }
        await #expect(throws: AWSClientConfigurationError.noCredentials(profile: "default")) {
            try await resolver.credentials(profile: nil)
        }
    }

    @Test func regionPrecedence() async throws {
        #expect(try Self.resolver(["AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "x"]).region(explicit: "us-east-2", profile: nil) == "us-east-2")
        #expect(try Self.resolver(["AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "x"]).region(explicit: nil, profile: nil) == "ap-south-1")
        #expect(try Self.resolver(["AWS_DEFAULT_REGION": "ca-central-1"]).region(explicit: nil, profile: nil) == "ca-central-1")
        #expect(try Self.resolver([:]).region(explicit: nil, profile: nil) == "eu-west-1")
        #expect(try Self.resolver([:]).region(explicit: nil, profile: "dev") == "us-west-2")
        #expect(throws: AWSClientConfigurationError.noRegion) {
            try AWSConfigurationResolver(environment: [:]) { _ in nil }.region(explicit: nil, profile: nil)
        }
    }

    @Test func endpointPrecedence() async throws {
        let environment = ["AWS_ENDPOINT_URL": "http://global:1", "AWS_ENDPOINT_URL_GLACIER": "http://glacier:2"]
        let resolver = Self.resolver(environment)
        #expect(try resolver.endpoint(for: .glacier, explicit: "http://flag:3", profile: nil, region: "r").absoluteString == "http://flag:3")
        #expect(try resolver.endpoint(for: .glacier, explicit: nil, profile: nil, region: "r").absoluteString == "http://glacier:2")
        #expect(try resolver.endpoint(for: .ebs, explicit: nil, profile: nil, region: "r").absoluteString == "http://global:1")
        #expect(try Self.resolver([:]).endpoint(for: .ebs, explicit: nil, profile: "dev", region: "r").absoluteString
            == "http://127.0.0.1:9000")
        #expect(try Self.resolver([:]).endpoint(for: .glacier, explicit: nil, profile: nil, region: "eu-west-1").absoluteString
            == "https://glacier.eu-west-1.amazonaws.com")
        #expect(try Self.resolver([:]).endpoint(for: .ecr, explicit: nil, profile: nil, region: "cn-north-1").absoluteString
            == "https://api.ecr.cn-north-1.amazonaws.com.cn")
        let ignoring = Self.resolver(environment.merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { $1 })
        #expect(try ignoring.endpoint(for: .glacier, explicit: nil, profile: nil, region: "us-east-1").absoluteString
            == "https://glacier.us-east-1.amazonaws.com")
        #expect(throws: AWSClientConfigurationError.invalidEndpoint("ftp://x")) {
            try resolver.endpoint(for: .glacier, explicit: "ftp://x", profile: nil, region: "r")
        }
    }

    @Test func nestedBlocksAreNotSettingsOfTheirSection() async {
        let file = AWSSharedConfigFile(parsing: Self.configFile)
        #expect(file.configProfile("dev")?["max_concurrent_requests"] == nil)
        #expect(file.configProfile("dev")?["region"] == "us-west-2")
        #expect(file.nested["profile dev"]?["s3"] == ["max_concurrent_requests": "20"])
    }

    static let servicesConfig = """
        [profile local]
        services = tessera-local
        endpoint_url = http://profile-wide:1
        [profile lost]
        services = nowhere
        [services tessera-local]
        glacier =
          endpoint_url = http://127.0.0.1:9000
        ecr_public =
          endpoint_url = http://127.0.0.1:9001
        """

    @Test func aServicesSectionNamesEndpointsPerService() throws {
        func resolver(_ environment: [String: String]) -> AWSConfigurationResolver {
            AWSConfigurationResolver(environment: environment.merging(["HOME": "/h"]) { $1 }) {
                $0 == "/h/.aws/config" ? Self.servicesConfig : nil
            }
        }
        func endpoint(_ service: AWSService, _ environment: [String: String] = [:], profile: String = "local") throws -> String {
            try resolver(environment).endpoint(for: service, explicit: nil, profile: profile, region: "us-east-1").absoluteString
        }
        #expect(try endpoint(.glacier) == "http://127.0.0.1:9000")
        #expect(try endpoint(.ecrPublic) == "http://127.0.0.1:9001")
        #expect(try endpoint(.ebs) == "http://profile-wide:1", "a service without a block takes the profile's endpoint_url")
        #expect(try endpoint(.glacier, ["AWS_ENDPOINT_URL": "http://env:2"]) == "http://env:2", "the variables come first")
        #expect(try endpoint(.glacier, ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) == "https://glacier.us-east-1.amazonaws.com")
        #expect(throws: AWSClientConfigurationError.servicesSectionNotFound(profile: "lost", section: "nowhere")) {
            try endpoint(.glacier, profile: "lost")
        }
    }

    // MARK: credential_process

    static let processConfig = """
        [profile process]
        credential_process = fetch-creds --account 1
        aws_access_key_id = AKIDCONFIGAFTERPROCESS
        aws_secret_access_key = later
        [profile failing]
        credential_process = fails
        """

    /// A resolver whose config file is `processConfig` (and whose credentials file holds `credentials`), running
    /// commands with `run`.
    static func processResolver(credentials: String = "", _ run: @escaping CredentialProcess.Runner) -> AWSConfigurationResolver {
        AWSConfigurationResolver(environment: ["HOME": "/home/user"], runProcess: run) { path in
            switch path {
            case "/home/user/.aws/credentials": credentials
            case "/home/user/.aws/config": processConfig
            default: nil
            }
        }
    }

    static func printing(_ json: String, status: Int32 = 0) -> CredentialProcess.Runner {
        { _ in CredentialProcess.Output(status: status, standardOutput: Array(json.utf8)) }
    }

    @Test func credentialProcessComesBeforeTheConfigFilesKeysAndAfterTheCredentialsFiles() async throws {
        let seen = CommandLog()
        let run: CredentialProcess.Runner = { command in
            seen.append(command)
            return CredentialProcess.Output(status: 0, standardOutput: Array(#"""
                {"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "s", "SessionToken": "t",
                 "Expiration": "2999-01-01T00:00:00Z"}
                """#.utf8))
        }
        #expect(try await Self.processResolver(run).credentials(profile: "process")
            == AWSCredentials(accessKeyID: "AKIDPROCESS", secretAccessKey: "s", sessionToken: "t",
                              expiration: ISO8601DateFormatter().date(from: "2999-01-01T00:00:00Z")))
        #expect(seen.commands == ["fetch-creds --account 1"])
        let keysFirst = Self.processResolver(credentials: "[process]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n", run)
        #expect(try await keysFirst.credentials(profile: "process").accessKeyID == "AKIDFILE")
        #expect(seen.commands.count == 1, "the process is not run when the credentials file has the keys")
    }

    @Test(arguments: [
        (#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s"}"#, 3, "exited with status 3"),
        ("not json", 0, "not a JSON object"),
        (#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}"#, 0, "Version is not 1"),
        (#"{"Version": 1, "AccessKeyId": "A"}"#, 0, "lacks AccessKeyId or SecretAccessKey"),
        (#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "2001-01-01T00:00:00Z"}"#, 0, "expired at 2001"),
        (#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "soon"}"#, 0, "not an ISO 8601 time"),
    ])
    func aCredentialProcessThatGivesNoCredentialsIsNamedWithWhy(output: String, status: Int32, why: String) async {
        await #expect {
            _ = try await Self.processResolver(Self.printing(output, status: status)).credentials(profile: "failing")
        } throws: { error in
            let text = String(describing: error)
            return text.contains("credential_process of profile 'failing'") && text.contains(why)
        }
    }

    @Test func theLiveRunnerRunsTheCommandThroughTheShell() async throws {
        let credentials = try CredentialProcess.credentials(
            running: #"printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "x"}' "AKID$((40 + 2))""#,
            profile: "p", runner: CredentialProcess.live)
        #expect(credentials.accessKeyID == "AKID42")
        #expect(throws: AWSClientConfigurationError.credentialProcessFailed(profile: "p", detail: "it exited with status 7")) {
            _ = try CredentialProcess.credentials(running: "exit 7", profile: "p", runner: CredentialProcess.live)
        }
    }
}

/// The command lines a fake credential process was run with.
final class CommandLog: @unchecked Sendable {
    private let lock = NSLock()
    private var logged: [String] = []

    func append(_ command: String) { lock.withLock { logged.append(command) } }
    var commands: [String] { lock.withLock { logged } }
}
