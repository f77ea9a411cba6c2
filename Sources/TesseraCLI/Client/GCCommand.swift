import ArgumentParser
import Foundation
import TesseraClient
import TesseraWire

/// `tessera gc`: asks a running server to sweep unreferenced blobs now (`POST /admin/gc`).
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Reclaim now the space of deleted data on a running tessera serve.",
        discussion: """
            Runs a garbage collection sweep on the server at --endpoint-url (else AWS_ENDPOINT_URL_TESSERA, \
            AWS_ENDPOINT_URL, http://127.0.0.1:9000), signed with your AWS credentials for the service name \
            `tessera`. Blobs no record names and not written in the last minute are removed; the periodic sweep \
            waits --gc-grace (an hour by default) instead. Prints what was freed.
            """)

    @Flag(help: "Sweep now (what the command always does; accepted for scripts that spell it out).")
    var now = false

    @OptionGroup var aws: AWSClientOptions

    func run() async throws {
        try await ClientFailure.run {
            let answer = try await aws.withService(.tessera) { service in
                try service.decode(GarbageCollectionAnswer.self, from: await service.send(.json(method: "POST", path: "/admin/gc", body: [])))
            }
            ResultPrinter.print(["deletedBlobs": answer.deletedBlobs, "freedBytes": answer.freedBytes,
                                 "keptBlobs": answer.keptBlobs, "keptBytes": answer.keptBytes,
                                 "expiredUploads": answer.expiredUploads, "graceSeconds": answer.graceSeconds,
                                 "freeBytes": answer.freeBytes, "freeSpaceFloorBytes": answer.freeSpaceFloorBytes], json: aws.json)
        }
    }
}
