import Foundation
import Hummingbird
import TesseraEngine
import TesseraStorage
import TesseraWire

extension ECRAPI {
    /// Pull-through cache rules, repository creation templates, pull-time exclusions, replication and signing
    /// status, storage classes and referrers.
    func integrationOperation(_ operation: String, _ call: ECRCall) async throws -> Response? {
        switch operation {
        case "CreatePullThroughCacheRule", "UpdatePullThroughCacheRule", "DeletePullThroughCacheRule", "ValidatePullThroughCacheRule",
             "DescribePullThroughCacheRules":
            return try await pullThroughCacheOperation(operation, call)
        case "CreateRepositoryCreationTemplate", "UpdateRepositoryCreationTemplate", "DeleteRepositoryCreationTemplate",
             "DescribeRepositoryCreationTemplates":
            return try await templateOperation(operation, call)
        case "RegisterPullTimeUpdateExclusion", "DeregisterPullTimeUpdateExclusion", "ListPullTimeUpdateExclusions":
            return try await exclusionOperation(operation, call)
        case "DescribeImageReplicationStatus", "DescribeImageSigningStatus":
            let input = try await call.input(ECRImageRequest.self)
            let name = try call.required(input.repositoryName, "repositoryName")
            let id = try call.required(input.imageId, "imageId")
            let (record, image) = try await service.image(call.caller, registryID: input.registryId, .private, name: name,
                                                          id: ImageIdentifier(digest: id.imageDigest, tag: id.imageTag), action: "\(operation)")
            let imageID = JSONDocument.object(["imageDigest": .string(image.image.digest)].merging(id.imageTag.map { ["imageTag": .string($0)] } ?? [:]) { a, _ in a })
            if operation == "DescribeImageReplicationStatus" {
                let rules = try await document(call, "replication-configuration")?["rules"]?.array ?? []
                let statuses = rules.flatMap { $0["destinations"]?.array ?? [] }.map { destination in
                    JSONDocument.object(["region": destination["region"] ?? .null, "registryId": destination["registryId"] ?? .null,
                                         "status": .string("FAILED"), "failureCode": .string("This registry does not replicate images")])
                }
                return try ECRResponse.json(JSONDocument.object(["repositoryName": .string(record.name), "imageId": imageID,
                                                                 "replicationStatuses": .array(statuses)]))
            }
            let rules = try await document(call, "signing-configuration")?["rules"]?.array ?? []
            let statuses = rules.map { rule in
                JSONDocument.object(["signingProfileArn": rule["signingProfileArn"] ?? .null, "status": .string("FAILED"),
                                     "failureCode": .string("SigningNotAvailable"),
                                     "failureReason": .string("This registry has no access to AWS Signer: images are not signed")])
            }
            return try ECRResponse.json(JSONDocument.object(["repositoryName": .string(record.name), "imageId": imageID,
                                                             "registryId": .string(record.accountID), "signingStatuses": .array(statuses)]))
        case "UpdateImageStorageClass":
            let input = try await call.input(ECRImageRequest.self)
            let id = try call.required(input.imageId, "imageId")
            let (record, image, status) = try await service.updateImageStorageClass(
                call.caller, registryID: input.registryId, name: try call.required(input.repositoryName, "repositoryName"),
                id: ImageIdentifier(digest: id.imageDigest, tag: id.imageTag),
                target: try call.required(input.targetStorageClass, "targetStorageClass"))
            return try ECRResponse.json(StorageClassOutput(registryId: record.accountID, repositoryName: record.name,
                                                           imageId: ECRImageIdentifier(imageDigest: image.image.digest, imageTag: id.imageTag),
                                                           imageStatus: status))
        case "ListImageReferrers":
            let input = try await call.input(JSONDocument.self)
            let subject = try call.required(input["subjectId"]?["imageDigest"]?.string, "subjectId.imageDigest")
            let (_, referrers) = try await service.listImageReferrers(
                call.caller, registryID: input["registryId"]?.string, name: try call.required(input["repositoryName"]?.string, "repositoryName"),
                subject: subject, artifactTypes: input["filter"]?["artifactTypes"]?.array?.compactMap(\.string),
                status: input["filter"]?["artifactStatus"]?.string)
            let (page, next) = try OffsetPage.slice(referrers, maxResults: input["maxResults"].flatMap(Self.int), maximum: 50,
                                                    nextToken: input["nextToken"]?.string)
            var output: [String: JSONDocument] = ["referrers": .array(page.map(Self.referrer))]
            if let next { output["nextToken"] = .string(next) }
            return try ECRResponse.json(JSONDocument.object(output))
        default:
            return nil
        }
    }
}

extension ECRAPI {
    /// A referrer as ListImageReferrers shows it, with its manifest's annotations.
    static func referrer(_ image: ImageRecord) -> JSONDocument {
        var members: [String: JSONDocument] = ["digest": .string(image.digest), "mediaType": .string(image.mediaType),
                                               "size": .number(Double(image.size)), "artifactStatus": .string(image.status)]
        if let type = image.artifactType ?? image.artifactMediaType { members["artifactType"] = .string(type) }
        if let manifest = try? JSONDecoder().decode(JSONDocument.self, from: Data(image.manifest.utf8)), let annotations = manifest["annotations"] {
            members["annotations"] = annotations
        }
        return .object(members)
    }

    static func int(_ value: JSONDocument) -> Int? {
        if case .number(let number) = value, number == number.rounded(), abs(number) < 1e9 { return Int(number) }
        return nil
    }
}

struct StorageClassOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var imageId: ECRImageIdentifier
    var imageStatus: String
}
