import ArgumentParser
import Foundation
import TesseraClient
import TesseraWire

/// `tessera glacier inventory --vault V`.
struct GlacierInventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Start an inventory job, wait for it and print the vault's archives (id, size, date, description).",
        discussion: "Glacier takes a vault's inventory about once a day; a vault never inventoried has none yet, and the job fails saying so.")

    @Option(help: "The vault.")
    var vault: String

    @Option(name: .customLong("job-id"), help: "Wait for and read this inventory job instead of starting one.")
    var jobID: String?

    @OptionGroup var aws: AWSClientOptions

    func run() async throws {
        try await ClientFailure.run {
            let body = try await aws.withService(.glacier) { service -> [UInt8] in
                let glacier = GlacierClient(service: service)
                let reporter = TransferProgressReporter()
                let display = Task { await ProgressDisplay(label: "inventory", interactive: false).show(reporter.updates) }
                defer { reporter.finish() }
                let job: String
                if let jobID {
                    job = jobID
                } else {
                    job = try await glacier.initiateJob(
                        vault: vault, parameters: GlacierJobParametersInput(Type: "inventory-retrieval", Format: "JSON"))
                }
                reporter.status("job \(job) started")
                _ = try await GlacierJobWaiter(glacier: glacier).waitForCompletion(vault: vault, jobID: job, progress: reporter)
                reporter.finish()
                await display.value
                return try await glacier.jobOutput(vault: vault, jobID: job).body
            }
            if aws.json {
                FileHandle.standardOutput.write(Data(body) + Data("\n".utf8))
                return
            }
            guard let inventory = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                  let archives = inventory["ArchiveList"] as? [[String: Any]] else {
                FileHandle.standardOutput.write(Data(body))
                return
            }
            var text = "inventory of \(inventory["VaultARN"] as? String ?? vault) taken \(inventory["InventoryDate"] as? String ?? "?"): \(archives.count) archives\n"
            for archive in archives {
                let id = archive["ArchiveId"] as? String ?? "?"
                let size = archive["Size"].map { "\($0)" } ?? "?"
                let created = archive["CreationDate"] as? String ?? "?"
                let description = archive["ArchiveDescription"] as? String ?? ""
                text += "\(id)\t\(size)\t\(created)\t\(description)\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
