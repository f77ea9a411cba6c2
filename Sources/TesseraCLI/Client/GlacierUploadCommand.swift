import ArgumentParser
import Foundation
import TesseraClient

/// `tessera glacier upload FILE --vault V`.
struct GlacierUploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a file (or - for stdin) as one archive; a rerun after an interruption resumes it.",
        discussion: """
            Parts are read once, hashed as they are read and sent CONCURRENCY at a time. Each part the service \
            verifies is recorded in a resume journal under $XDG_STATE_HOME/tessera/transfers (default \
            ~/.local/state/tessera/transfers); running the same command again sends only the missing parts. \
            Standard input cannot be resumed.
            """)

    @Argument(help: "The file to upload, or - for standard input.")
    var file: String

    @Option(help: "The vault to upload into.")
    var vault: String

    @Option(name: .customLong("part-size"), help: "Bytes per part: 1 MiB times a power of two, up to 4 GiB (default: the smallest of at least 16 MiB that keeps the archive under 10,000 parts; 32 MiB for stdin).")
    var partSize: Int64?

    @Option(help: "Parts in flight at once.")
    var concurrency: Int = 4

    @Option(help: "The archive description.")
    var description: String?

    @OptionGroup var aws: AWSClientOptions

    func validate() throws {
        guard concurrency >= 1, concurrency <= 64 else { throw ValidationError("--concurrency must be between 1 and 64") }
    }

    func run() async throws {
        try await ClientFailure.run {
            let input = try LocalInput.open(file)
            defer { input.close() }
            let chosen = try GlacierPartSize.choose(archiveSize: input.size, requested: partSize)
            try await aws.withService(.glacier) { service in
                let reporter = TransferProgressReporter(totalBytes: input.size)
                let upload = GlacierArchiveUpload(
                    glacier: GlacierClient(service: service), vault: vault,
                    source: PartSource(descriptor: input.descriptor, size: input.size), partSize: chosen,
                    concurrency: concurrency, description: description, fileIdentity: input.identity,
                    journals: .standard(), progress: reporter)
                let result = try await ProgressDisplay.showing(reporter, label: "upload", json: aws.json) {
                    try await upload.run()
                }
                ResultPrinter.print([
                    "archiveId": result.archiveID, "treeHash": result.treeHash.hex, "size": result.size,
                    "partSize": result.partSize, "uploadId": result.uploadID, "resumed": result.resumed, "vault": vault,
                ], json: aws.json)
            }
        }
    }
}
