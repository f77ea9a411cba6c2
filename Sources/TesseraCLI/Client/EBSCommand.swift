import ArgumentParser

/// `tessera ebs …`: disk images in and out of EBS snapshots through the EBS direct APIs.
struct EBSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ebs",
        abstract: "Upload disk images as EBS snapshots (sparse, incremental, resumable) and download them back.",
        subcommands: [EBSUploadCommand.self, EBSDownloadCommand.self, EBSDiffCommand.self])
}
