import ArgumentParser

/// The `tessera` executable.
@main
struct TesseraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "A storage server speaking the AWS Glacier API (ECR, OCI and EBS to follow).",
        subcommands: [ServeCommand.self])
}
