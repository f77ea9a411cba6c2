import ArgumentParser
import Foundation
import TesseraClient

/// `tessera ebs upload IMAGE`.
struct EBSUploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a disk image as a new snapshot; holes and zero blocks are never sent.",
        discussion: """
            The volume size is the image's size rounded up to whole GiB; a short last block is padded with \
            zeros. With --parent the snapshot is incremental: if this client uploaded or downloaded the parent \
            before, it kept the parent's block checksums (in $XDG_STATE_HOME/tessera/ebs-manifests) and sends \
            only blocks that differ; without that manifest it sends every block with data, plus zeros where \
            the parent has data and the image has none. An interrupted upload resumes when rerun.
            """)

    @Argument(help: "The disk image (a regular file; holes are skipped without reading).")
    var image: String

    @Option(help: "Make an incremental snapshot of this parent.")
    var parent: String?

    @Option(help: "The snapshot's description.")
    var description: String?

    @Option(help: "Blocks in flight at once.")
    var concurrency: Int = 16

    @Flag(help: "Wait until DescribeSnapshots says the snapshot is completed.")
    var wait = false

    @OptionGroup var aws: AWSClientOptions

    func validate() throws {
        guard concurrency >= 1, concurrency <= 256 else { throw ValidationError("--concurrency must be between 1 and 256") }
    }

    func run() async throws {
        try await ClientFailure.run {
            let input = try LocalInput.open(image)
            defer { input.close() }
            guard let identity = input.identity else { throw EBSTransferError.emptyImage }
            try await aws.withClients { clients in
                let ebs = EBSClient(service: try clients.client(for: .ebs))
                let ec2 = EC2SnapshotClient(service: try clients.client(for: .ec2))
                let reporter = TransferProgressReporter(totalBytes: input.size)
                let upload = EBSSnapshotUpload(
                    ebs: ebs, ec2: ec2, source: PartSource(descriptor: input.descriptor, size: input.size),
                    sourceIdentity: identity, parentSnapshotID: parent, description: description,
                    concurrency: concurrency, journals: .standard(), progress: reporter)
                let result = try await ProgressDisplay.showing(reporter, label: "upload", json: aws.json) {
                    try await upload.run()
                }
                var status = result.status
                if wait {
                    status = try await EBSSnapshotWaiter(ec2: ec2).waitForCompletion(result.snapshotID)
                }
                ResultPrinter.print([
                    "snapshotId": result.snapshotID, "status": status, "volumeSize": result.volumeSize,
                    "blocksWritten": result.blocksWritten, "blocksSent": result.blocksSent, "resumed": result.resumed,
                    "parent": parent, "parentManifestUsed": parent == nil ? nil : result.parentManifestUsed,
                ], json: aws.json)
            }
        }
    }
}
