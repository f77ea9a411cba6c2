import Foundation
import Hummingbird
import TesseraCore
import TesseraEngine
import TesseraFrontDoor
import TesseraStorage
import TesseraWire

extension ECRAPI {
    /// InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload, BatchCheckLayerAvailability, GetDownloadUrlForLayer.
    func layerOperation(_ operation: String, _ call: ECRCall) async throws -> Response? {
        switch operation {
        case "InitiateLayerUpload":
            let input = try await call.input(ECRLayerRequest.self)
            let (uploadID, partSize) = try await service.initiateLayerUpload(
                call.caller, registryID: input.registryId, call.registry, name: try call.required(input.repositoryName, "repositoryName"))
            return try ECRResponse.json(InitiateOutput(uploadId: uploadID, partSize: partSize))
        case "UploadLayerPart":
            return try await uploadLayerPart(call)
        case "CompleteLayerUpload":
            let input = try await call.input(ECRLayerRequest.self)
            let name = try call.required(input.repositoryName, "repositoryName")
            let uploadID = try call.required(input.uploadId, "uploadId")
            let digest = try await service.completeLayerUpload(call.caller, registryID: input.registryId, call.registry, name: name,
                                                              uploadID: uploadID, layerDigests: try call.required(input.layerDigests, "layerDigests"))
            return try ECRResponse.json(CompleteOutput(registryId: input.registryId ?? call.caller.accountID, repositoryName: name,
                                                       uploadId: uploadID, layerDigest: digest))
        case "BatchCheckLayerAvailability":
            let input = try await call.input(ECRLayerRequest.self)
            let answers = try await service.batchCheckLayerAvailability(
                call.caller, registryID: input.registryId, call.registry, name: try call.required(input.repositoryName, "repositoryName"),
                digests: try call.required(input.layerDigests, "layerDigests"))
            var layers: [ECRLayer] = []
            var failures: [ECRLayerFailure] = []
            for answer in answers {
                switch answer {
                case .available(let blob):
                    layers.append(ECRLayer(layerDigest: blob.digest, layerAvailability: "AVAILABLE", layerSize: blob.size, mediaType: blob.mediaType))
                case .unavailable(let digest):
                    layers.append(ECRLayer(layerDigest: digest, layerAvailability: "UNAVAILABLE", layerSize: nil, mediaType: nil))
                case .failure(let digest, let code, let reason):
                    failures.append(ECRLayerFailure(layerDigest: digest, failureCode: code, failureReason: reason))
                }
            }
            return try ECRResponse.json(AvailabilityOutput(layers: layers, failures: failures))
        case "GetDownloadUrlForLayer" where call.registry == .private:
            let input = try await call.input(ECRLayerRequest.self)
            let digest = try call.required(input.layerDigest, "layerDigest")
            let (repositoryID, token) = try await service.getDownloadURLForLayer(
                call.caller, registryID: input.registryId, call.registry, name: try call.required(input.repositoryName, "repositoryName"), digest: digest)
            let url = "\(call.baseURL)\(LayerDownloadRoute.path(repositoryID: repositoryID, digest: digest, token: token))"
            return try ECRResponse.json(DownloadURLOutput(downloadUrl: url, layerDigest: digest))
        default:
            return nil
        }
    }

    /// UploadLayerPart, streamed: the JSON body is read as it arrives, `layerPartBlob` decoded straight into
    /// staging and hashed on the way, the signature checked against the body's hash before anything is kept.
    func uploadLayerPart(_ call: ECRCall) async throws -> Response {
        let state = LayerPartBodyState()
        let body = LayerPartBody(base: call.request.body, state: state)
        let part = try await service.receiveLayerPart(body, call.registry) {
            guard let uploadID = state.membersBeforeBlob?["uploadId"]?.string else { return nil }
            return await service.layerHashStart(uploadID: uploadID)
        }
        let name: String, uploadID: String, first: Int64, last: Int64
        do {
            guard let bodyHash = state.bodySHA256 else { throw ECRWireError.serialization("The request body ended early") }
            if let check = call.context.deferredSignature, !check.verifies(bodySHA256Hex: bodyHash.hex) {
                throw ECRWireError("InvalidSignatureException", check.failureMessage)
            }
            if let signed = call.context.payloadSHA256, signed != bodyHash {
                throw ECRWireError("InvalidSignatureException", "The request body does not match its signed hash")
            }
            guard state.sawBlob else { throw ECRCall.missing("layerPartBlob") }
            let members = state.members
            name = try call.required(members["repositoryName"]?.string, "repositoryName")
            uploadID = try call.required(members["uploadId"]?.string, "uploadId")
            first = try call.required(Self.integer(members["partFirstByte"], "partFirstByte"), "partFirstByte")
            last = try call.required(Self.integer(members["partLastByte"], "partLastByte"), "partLastByte")
        } catch {
            await service.discard(part)
            throw error
        }
        // From here the service owns the part: it keeps or discards it.
        let registryID = state.members["registryId"]?.string
        do {
            let received = try await service.uploadLayerPart(call.caller, registryID: registryID, call.registry, name: name, uploadID: uploadID,
                                                             firstByte: first, lastByte: last, part: part)
            return try ECRResponse.json(PartOutput(registryId: registryID ?? call.caller.accountID, repositoryName: name, uploadId: uploadID,
                                                   lastByteReceived: received))
        } catch let error as RegistryError {
            // InvalidLayerPartException names the upload's registry and repository too.
            let wire = ECRWireError(error)
            guard wire.code == "InvalidLayerPartException" else { throw wire }
            throw wire.adding(["registryId": .string(registryID ?? call.caller.accountID), "repositoryName": .string(name)])
        }
    }

    /// A member that must be an integer, if present.
    static func integer(_ value: JSONScalar?, _ member: String) throws -> Int64? {
        guard let value, value != .null else { return nil }
        guard let number = value.int64 else { throw ECRWireError.serialization("The member '\(member)' must be an integer") }
        return number
    }
}

struct InitiateOutput: Encodable {
    var uploadId: String
    var partSize: Int64
}

struct PartOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var uploadId: String
    var lastByteReceived: Int64
}

struct CompleteOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var uploadId: String
    var layerDigest: String
}

struct AvailabilityOutput: Encodable {
    var layers: [ECRLayer]
    var failures: [ECRLayerFailure]
}

struct DownloadURLOutput: Encodable {
    var downloadUrl: String
    var layerDigest: String
}
