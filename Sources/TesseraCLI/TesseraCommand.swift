import ArgumentParser

/// The `tessera` executable.
@main
struct TesseraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "A storage server speaking the chunked-upload APIs of AWS Glacier, the EBS direct APIs, Amazon ECR and ECR Public.",
        discussion: "Besides the server: `tessera glacier` moves archives in and out of Glacier (AWS or a Tessera server) in parallel and resumably. `tessera ebs` does the same for EBS snapshots, and `tessera ecr` pushes and pulls images through the ECR API.",
        version: VersionCommand.text,
        subcommands: [ServeCommand.self, GlacierCommand.self, EBSCommand.self, ECRCommand.self, GCCommand.self, VersionCommand.self])
}
