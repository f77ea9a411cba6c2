import Foundation
import Hummingbird
import HTTPTypes
import TesseraBlobStoreFileSystem
import TesseraFrontDoor
import TesseraWire

/// Tessera's own operations, for operators (docs/operating.md#disk-space): `POST /admin/gc` runs a garbage
/// collection sweep now, with the minimum grace, and answers what it freed. Signed requests only (service name
/// `tessera`, any account: a sweep removes nothing a record names, so it is safe for anyone to start).
enum AdminAPI {
    static func register(on router: Router<TesseraRequestContext>, collection: GarbageCollection, space: FreeSpaceFloor) {
        router.post("/admin/gc") { _, context in
            guard context.caller != nil else {
                return error(status: .forbidden, code: "MissingAuthenticationTokenException", message: "Missing Authentication Token")
            }
            do {
                let outcome = try await collection.run(onDemand: true)
                let answer = GarbageCollectionAnswer(examinedBlobs: outcome.sweep.examined, deletedBlobs: outcome.sweep.deleted,
                                      freedBytes: outcome.sweep.deletedBytes, keptBlobs: outcome.sweep.keptBlobs,
                                      keptBytes: outcome.sweep.keptBytes, expiredUploads: outcome.expiredUploads,
                                      graceSeconds: outcome.grace, freeBytes: space.available(), freeSpaceFloorBytes: space.floor)
                let body = try JSONEncoder().encode(answer)
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(bytes: body)))
            } catch {
                context.logger.error("sweep on demand failed", metadata: ["tessera.error": .string(String(describing: error))])
                return Self.error(status: .internalServerError, code: "InternalFailure", message: "The sweep failed; the server log says why.")
            }
        }
    }

    /// An error in the JSON 1.1 shape: `x-amzn-ErrorType` and `{"__type", "message"}`.
    static func error(status: HTTPResponse.Status, code: String, message: String) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["__type": code, "message": message])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/x-amz-json-1.1", HTTPField.Name("x-amzn-ErrorType")!: code],
                        body: .init(byteBuffer: .init(bytes: body)))
    }
}
