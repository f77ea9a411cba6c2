import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraCore
import TesseraEngine
import TesseraFrontDoor
import TesseraStorage
import TesseraWire

/// The EBS direct APIs' front door: routes the six operations of botocore's `ebs` model to
/// ``SnapshotService`` and renders errors with `x-amzn-ErrorType`.
public struct EBSAPI: Sendable {
    let service: SnapshotService

    public init(service: SnapshotService) {
        self.service = service
    }

    /// Runs an operation for a signed caller, turning any error into EBS's error response.
    func handle(_ context: TesseraRequestContext, _ body: (Caller) async throws -> Response) async -> Response {
        do {
            guard let caller = context.caller else {
                throw EBSWireError(.missingAuthenticationToken, "Missing Authentication Token", origin: .authentication)
            }
            return try await body(caller)
        } catch let error as EBSWireError {
            return EBSResponse.error(error)
        } catch let error as SnapshotError {
            if case .storageFailure(let detail) = error {
                context.logger.error("storage failure", metadata: ["tessera.error": .string(detail)])
            }
            if case .outOfSpace(let detail) = error {
                context.logger.warning("write refused: low on disk space", metadata: ["tessera.error": .string(detail)])
                return OutOfSpaceAnswer.withRetryAfter(EBSResponse.error(EBSWireError(error)))
            }
            return EBSResponse.error(EBSWireError(error))
        } catch {
            context.logger.error("unexpected failure", metadata: ["tessera.error": .string(String(describing: error))])
            return EBSResponse.error(EBSWireError(.internalServer, "The service could not complete the request; try again."))
        }
    }

    public func register(on router: Router<TesseraRequestContext>) {
        router.post("/snapshots") { request, context in
            await handle(context) { caller in
                let input: EBSStartSnapshotInput
                switch try await request.collectVerifiedBody(context: context) {
                case .bytes(let buffer):
                    guard let decoded = try? JSONDecoder().decode(EBSStartSnapshotInput.self, from: buffer) else {
                        throw EBSWireError(.validation, "The request body is not valid JSON for StartSnapshot", origin: .validation)
                    }
                    input = decoded
                case .tooLarge:
                    throw EBSWireError(.validation, "The request body is too large", origin: .validation)
                case .incomplete:
                    throw EBSWireError(.validation, "Failed to read the request body: it ended before its Content-Length",
                                       reason: "INVALID_PARAMETER_VALUE")
                case .hashMismatch:
                    throw EBSWireError(.invalidSignature, "The request body does not match its signed hash", origin: .authentication)
                }
                let snapshot = try await service.startSnapshot(accountID: caller.accountID, region: caller.region, StartSnapshotParameters(
                    volumeSize: input.VolumeSize, parentSnapshotID: input.ParentSnapshotId,
                    tags: (input.Tags ?? []).map { SnapshotTag(Key: $0.Key, Value: $0.Value) }, description: input.Description,
                    clientToken: input.ClientToken, encrypted: input.Encrypted, kmsKeyARN: input.KmsKeyArn, timeoutMinutes: input.Timeout))
                return try EBSResponse.json(Self.describe(snapshot), status: .created)
            }
        }
        router.put("/snapshots/:snapshot/blocks/:index") { request, context in
            await handle(context) { caller in
                let checksum = try await service.putSnapshotBlock(
                    accountID: caller.accountID, region: caller.region, snapshotID: context.parameters.get("snapshot") ?? "",
                    blockIndex: context.parameters.get("index") ?? "", dataLength: request.headers[.amzDataLength],
                    checksum: request.headers[.amzChecksum], checksumAlgorithm: request.headers[.amzChecksumAlgorithm],
                    progress: request.headers[.amzProgress], contentLength: request.headers[.contentLength].flatMap { Int64($0) },
                    body: request.body)
                return try EBSResponse.json([String: String](), status: .created,
                                            headers: [.amzChecksum: checksum, .amzChecksumAlgorithm: "SHA256"])
            }
        }
        router.post("/snapshots/completion/:snapshot") { request, context in
            await handle(context) { caller in
                let status = try await service.completeSnapshot(
                    accountID: caller.accountID, region: caller.region, snapshotID: context.parameters.get("snapshot") ?? "",
                    changedBlocksCount: request.headers[.amzChangedBlocksCount], checksum: request.headers[.amzChecksum],
                    checksumAlgorithm: request.headers[.amzChecksumAlgorithm],
                    aggregationMethod: request.headers[.amzChecksumAggregationMethod])
                return try EBSResponse.json(EBSCompleteSnapshotOutput(Status: status.rawValue), status: .accepted)
            }
        }
        registerReadRoutes(on: router)
    }

    static func describe(_ snapshot: SnapshotRecord) -> EBSStartSnapshotOutput {
        let tags = snapshot.tagsJSON.flatMap { try? JSONDecoder().decode([EBSTag].self, from: Data($0.utf8)) }
        return EBSStartSnapshotOutput(
            BlockSize: SnapshotService.blockSize, Description: snapshot.description, KmsKeyArn: snapshot.kmsKeyARN,
            OwnerId: snapshot.accountID, ParentSnapshotId: snapshot.parentID, SnapshotId: snapshot.id,
            SseType: snapshot.encrypted ? "sse-ebs" : nil, StartTime: snapshot.startTime.timeIntervalSince1970,
            Status: snapshot.status.rawValue, Tags: tags, VolumeSize: snapshot.volumeSize)
    }
}
