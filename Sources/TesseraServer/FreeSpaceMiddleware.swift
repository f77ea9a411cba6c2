import Hummingbird
import TesseraBlobStoreFileSystem
import TesseraFrontDoor

/// Refuses, before reading a byte of it, a request that would store new data while the data directory's
/// disk is below its free-space floor — in its protocol's retryable error, with `Retry-After` — and starts a
/// sweep on demand to free space (docs/operating.md#disk-space). Deletes, reads and settings pass: they are
/// how an operator frees space.
struct FreeSpaceMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext

    let space: FreeSpaceFloor
    let collection: GarbageCollection

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let dialect = FrontDoorDialect.of(request)
        guard dialect.storesData(request), !space.admitsNewWrites() else { return try await next(request, context) }
        context.logger.warning("write refused: low on disk space",
                               metadata: ["tessera.free_bytes": "\(space.available() ?? -1)", "tessera.floor_bytes": "\(space.floor)"])
        await collection.sweepSoon()
        return OutOfSpaceAnswer.withRetryAfter(dialect.outOfSpace(request, context.requestID))
    }
}
