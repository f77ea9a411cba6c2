import ArgumentParser

/// The `tessera` executable.
@main
struct TesseraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "A storage server speaking the chunked-upload APIs of AWS Glacier, the EBS direct APIs, Amazon ECR and ECR Public.",
        discussion: "The OCI registry API (docker, podman, skopeo) and the transfer commands are in progress.",
        version: VersionCommand.text,
        subcommands: [ServeCommand.self, VersionCommand.self])
}
