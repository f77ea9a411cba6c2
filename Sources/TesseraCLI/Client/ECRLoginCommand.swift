import ArgumentParser
import Foundation
import TesseraClient

/// `tessera ecr login`: what `docker login` needs, without docker.
struct ECRLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Store a registry login (GetAuthorizationToken) where docker, podman and skopeo look for it.",
        discussion: """
            Writes the registry's entry under "auths" in $DOCKER_CONFIG/config.json (default \
            ~/.docker/config.json), keeping every other entry; docker, skopeo and podman read it. The login \
            lasts 12 hours. --print-password prints only the password instead, for \
            `docker login -u AWS --password-stdin REGISTRY`.
            """)

    @Flag(name: .customLong("print-password"), help: "Print the password on stdout and store nothing.")
    var printPassword = false

    @OptionGroup var aws: AWSClientOptions

    func run() async throws {
        try await ClientFailure.run {
            let token = try await aws.withService(.ecr) { try await ECRClient(service: $0).authorizationToken() }
            if printPassword {
                FileHandle.standardOutput.write(Data((token.password + "\n").utf8))
                return
            }
            let registry = URL(string: token.proxyEndpoint).map { url in
                (url.host ?? token.proxyEndpoint) + (url.port.map { ":\($0)" } ?? "")
            } ?? token.proxyEndpoint
            let environment = ProcessInfo.processInfo.environment
            let folder = environment["DOCKER_CONFIG"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.docker")
            let path = folder + "/config.json"
            var config = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))) as? [String: Any] ?? [:]
            var auths = config["auths"] as? [String: Any] ?? [:]
            auths[registry] = ["auth": Data("\(token.user):\(token.password)".utf8).base64EncodedString()]
            config["auths"] = auths
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            guard FileManager.default.createFile(atPath: path + ".new", contents: data, attributes: [.posixPermissions: 0o600]),
                  rename(path + ".new", path) == 0 else {
                throw LocalFileError(path: path, code: errno, doing: "write")
            }
            ResultPrinter.print(["registry": registry, "config": path, "loggedIn": true], json: aws.json)
        }
    }
}
