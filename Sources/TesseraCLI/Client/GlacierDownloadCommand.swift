import ArgumentParser
import Foundation
import TesseraClient

/// `tessera glacier download --vault V --archive-id ID OUT`.
struct GlacierDownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Retrieve an archive into OUT: starts the retrieval job, waits for it, fetches ranges in parallel, verifies the tree hash.",
        discussion: """
            On AWS a retrieval job takes hours (minutes with --tier Expedited); the command waits, polling \
            gently. Bytes go to OUT.tessera-partial and take OUT's name once verified. Interrupted, the same \
            command picks up the same job and fetches only the ranges not yet on disk.
            """)

    @Option(help: "The vault holding the archive.")
    var vault: String

    @Option(name: .customLong("archive-id"), help: "The archive to retrieve.")
    var archiveID: String

    @Argument(help: "Where to write the archive.")
    var output: String

    @Option(help: "Retrieval tier: Expedited, Standard or Bulk (the service's default when not given).")
    var tier: String?

    @Option(name: .customLong("range-size"), help: "Bytes per ranged request: 1 MiB times a power of two.")
    var rangeSize: Int64 = 16 << 20

    @Option(help: "Ranges in flight at once.")
    var concurrency: Int = 4

    @OptionGroup var aws: AWSClientOptions

    func validate() throws {
        guard GlacierPartSize.isValid(rangeSize) else {
            throw ValidationError("--range-size must be 1 MiB (1048576) times a power of two, up to 4 GiB")
        }
        guard concurrency >= 1, concurrency <= 64 else { throw ValidationError("--concurrency must be between 1 and 64") }
    }

    func run() async throws {
        try await ClientFailure.run {
            let url = URL(fileURLWithPath: output).standardizedFileURL
            try await aws.withService(.glacier) { service in
                let glacier = GlacierClient(service: service)
                let reporter = TransferProgressReporter()
                let download = GlacierArchiveDownload(
                    glacier: glacier, vault: vault, archiveID: archiveID, output: url, rangeSize: rangeSize,
                    concurrency: concurrency, tier: tier, waiter: GlacierJobWaiter(glacier: glacier),
                    journals: .standard(), progress: reporter)
                let result = try await ProgressDisplay.showing(reporter, label: "download", json: aws.json) {
                    try await download.run()
                }
                ResultPrinter.print([
                    "file": url.path, "size": result.size, "treeHash": result.treeHash.hex, "jobId": result.jobID,
                    "resumed": result.resumed,
                ], json: aws.json)
            }
        }
    }
}
