import ArgumentParser
import Foundation
import TesseraClient

/// `tessera glacier ls`: the account's vaults.
struct GlacierListVaultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List vaults: name, archives, bytes, creation date.")

    @OptionGroup var aws: AWSClientOptions

    func run() async throws {
        try await ClientFailure.run {
            let vaults = try await aws.withService(.glacier) { try await GlacierClient(service: $0).allVaults() }
            if aws.json {
                ResultPrinter.printJSON(["VaultList": vaults.map {
                    ["VaultName": $0.VaultName, "VaultARN": $0.VaultARN, "CreationDate": $0.CreationDate,
                     "NumberOfArchives": $0.NumberOfArchives, "SizeInBytes": $0.SizeInBytes,
                     "LastInventoryDate": $0.LastInventoryDate as Any]
                }])
                return
            }
            var text = ""
            for vault in vaults {
                text += "\(vault.VaultName)\t\(vault.NumberOfArchives) archives\t\(vault.SizeInBytes) bytes\t\(vault.CreationDate)\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

/// `tessera glacier mkvault NAME`.
struct GlacierMakeVaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mkvault", abstract: "Create a vault (no error if it exists, as Glacier does).")

    @Argument(help: "The vault's name.")
    var name: String

    @OptionGroup var aws: AWSClientOptions

    func run() async throws {
        try await ClientFailure.run {
            try await aws.withService(.glacier) { try await GlacierClient(service: $0).createVault(name) }
            ResultPrinter.print(["vault": name, "created": true], json: aws.json)
        }
    }
}

/// `tessera glacier rmvault NAME`.
struct GlacierRemoveVaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rmvault", abstract: "Delete an empty vault.")

    @Argument(help: "The vault's name.")
    var name: String

    @OptionGroup var aws: AWSClientOptions

    func run() async throws {
        try await ClientFailure.run {
            try await aws.withService(.glacier) { try await GlacierClient(service: $0).deleteVault(name) }
            ResultPrinter.print(["vault": name, "deleted": true], json: aws.json)
        }
    }
}

/// `tessera glacier rm --vault V --archive-id ID`.
struct GlacierRemoveArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete an archive.")

    @Option(help: "The vault holding the archive.")
    var vault: String

    @Option(name: .customLong("archive-id"), help: "The archive to delete.")
    var archiveID: String

    @OptionGroup var aws: AWSClientOptions

    func run() async throws {
        try await ClientFailure.run {
            try await aws.withService(.glacier) {
                try await GlacierClient(service: $0).deleteArchive(vault: vault, archiveID: archiveID)
            }
            ResultPrinter.print(["vault": vault, "archiveId": archiveID, "deleted": true], json: aws.json)
        }
    }
}
