import ArgumentParser
import Foundation
import TesseraClient

/// `tessera ebs download SNAP OUT`.
struct EBSDownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a completed snapshot into a sparse file, every block verified; resumable.")

    @Argument(help: "The snapshot id.")
    var snapshot: String

    @Argument(help: "Where to write the image (its size is the volume's).")
    var output: String

    @Option(help: "Blocks in flight at once.")
    var concurrency: Int = 16

    @OptionGroup var aws: AWSClientOptions

    func validate() throws {
        guard concurrency >= 1, concurrency <= 256 else { throw ValidationError("--concurrency must be between 1 and 256") }
    }

    func run() async throws {
        try await ClientFailure.run {
            let url = URL(fileURLWithPath: output).standardizedFileURL
            try await aws.withService(.ebs) { service in
                let reporter = TransferProgressReporter()
                let download = EBSSnapshotDownload(ebs: EBSClient(service: service), snapshotID: snapshot, output: url,
                                                   concurrency: concurrency, journals: .standard(), progress: reporter)
                let result = try await ProgressDisplay.showing(reporter, label: "download", json: aws.json) {
                    try await download.run()
                }
                ResultPrinter.print([
                    "file": url.path, "snapshotId": snapshot, "volumeSize": result.volumeSize, "blocks": result.blocks,
                    "blocksFetched": result.blocksFetched, "resumed": result.resumed,
                ], json: aws.json)
            }
        }
    }
}

/// `tessera ebs diff SNAP1 SNAP2`.
struct EBSDiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "List the blocks that differ between two snapshots of one lineage (ListChangedBlocks).")

    @Argument(help: "The earlier snapshot.")
    var first: String

    @Argument(help: "The later snapshot.")
    var second: String

    @OptionGroup var aws: AWSClientOptions

    func run() async throws {
        try await ClientFailure.run {
            let (blocks, blockSize) = try await aws.withService(.ebs) { service in
                let ebs = EBSClient(service: service)
                var changed: [(Int64, String)] = []
                var token: String?
                var blockSize: Int64 = 0
                repeat {
                    let page = try await ebs.listChangedBlocks(first: first, second: second, nextToken: token)
                    blockSize = page.BlockSize
                    for block in page.ChangedBlocks {
                        let kind = switch (block.FirstBlockToken != nil, block.SecondBlockToken != nil) {
                        case (true, true): "changed"
                        case (false, true): "added"
                        default: "removed"
                        }
                        changed.append((block.BlockIndex, kind))
                    }
                    token = page.NextToken
                } while token != nil
                return (changed, blockSize)
            }
            if aws.json {
                ResultPrinter.printJSON(["first": first, "second": second, "blockSize": blockSize, "count": blocks.count,
                                         "changedBlocks": blocks.map { ["index": $0.0, "change": $0.1] }])
                return
            }
            FileHandle.standardOutput.write(Data(blocks.map { "\($0.0)\t\($0.1)\n" }.joined().utf8))
        }
    }
}
