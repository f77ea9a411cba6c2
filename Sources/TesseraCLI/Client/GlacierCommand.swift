import ArgumentParser

/// `tessera glacier …`: archives in and out of Glacier vaults, on AWS or a Tessera server.
struct GlacierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glacier",
        abstract: "Upload and download Glacier archives in parallel, resumably, with tree hashes done for you.",
        subcommands: [GlacierUploadCommand.self, GlacierDownloadCommand.self, GlacierListVaultsCommand.self,
                      GlacierMakeVaultCommand.self, GlacierRemoveVaultCommand.self, GlacierInventoryCommand.self,
                      GlacierRemoveArchiveCommand.self])
}
