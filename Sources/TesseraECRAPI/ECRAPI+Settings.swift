import Foundation
import Hummingbird
import TesseraEngine
import TesseraStorage
import TesseraWire

extension ECRAPI {
    /// Repository policies, lifecycle policies and previews, resource tags, image scans.
    func settingsOperation(_ operation: String, _ call: ECRCall) async throws -> Response? {
        switch operation {
        case "SetRepositoryPolicy", "GetRepositoryPolicy", "DeleteRepositoryPolicy":
            let input = try await call.input(ECRSettingsRequest.self)
            let name = try call.required(input.repositoryName, "repositoryName")
            let (record, text): (RepositoryRecord, String)
            switch operation {
            case "SetRepositoryPolicy":
                let policy = try call.required(input.policyText, "policyText")
                record = try await service.setRepositoryPolicy(call.caller, registryID: input.registryId, call.registry, name: name, policy: policy)
                text = policy
            case "GetRepositoryPolicy":
                (record, text) = try await service.repositoryPolicy(call.caller, registryID: input.registryId, call.registry, name: name)
            default:
                (record, text) = try await service.deleteRepositoryPolicy(call.caller, registryID: input.registryId, call.registry, name: name)
            }
            return try ECRResponse.json(PolicyOutput(registryId: record.accountID, repositoryName: record.name, policyText: text))
        case "PutLifecyclePolicy", "GetLifecyclePolicy", "DeleteLifecyclePolicy":
            let input = try await call.input(ECRSettingsRequest.self)
            let name = try call.required(input.repositoryName, "repositoryName")
            let (record, text): (RepositoryRecord, String)
            var evaluated: Date?
            switch operation {
            case "PutLifecyclePolicy":
                let policy = try call.required(input.lifecyclePolicyText, "lifecyclePolicyText")
                record = try await service.putLifecyclePolicy(call.caller, registryID: input.registryId, call.registry, name: name, policy: policy)
                text = policy
            case "GetLifecyclePolicy":
                (record, text, evaluated) = try await service.lifecyclePolicy(call.caller, registryID: input.registryId, call.registry, name: name)
            default:
                (record, text) = try await service.deleteLifecyclePolicy(call.caller, registryID: input.registryId, call.registry, name: name)
            }
            return try ECRResponse.json(LifecycleOutput(registryId: record.accountID, repositoryName: record.name, lifecyclePolicyText: text,
                                                        lastEvaluatedAt: evaluated?.timeIntervalSince1970))
        case "StartLifecyclePolicyPreview":
            let input = try await call.input(ECRSettingsRequest.self)
            let (record, preview) = try await service.startLifecyclePolicyPreview(
                call.caller, registryID: input.registryId, name: try call.required(input.repositoryName, "repositoryName"),
                policyText: input.lifecyclePolicyText)
            return try ECRResponse.json(PreviewStartOutput(registryId: record.accountID, repositoryName: record.name,
                                                           lifecyclePolicyText: preview.policyText, status: preview.status))
        case "GetLifecyclePolicyPreview":
            let input = try await call.input(ECRSettingsRequest.self)
            let (record, preview) = try await service.lifecyclePolicyPreview(
                call.caller, registryID: input.registryId, name: try call.required(input.repositoryName, "repositoryName"))
            let wanted = input.imageIds.map { Set($0.compactMap(\.imageDigest)) }
            let all = preview.results.filter { wanted?.contains($0.digest) ?? true }
            let (page, next) = try OffsetPage.slice(all, maxResults: input.maxResults, maximum: 100, nextToken: input.nextToken)
            let results = page.map {
                ECRPreviewResult(imageTags: $0.tags, imageDigest: $0.digest, imagePushedAt: $0.pushedAt,
                                 action: ECRPreviewAction(type: $0.actionType, targetStorageClass: $0.targetStorageClass),
                                 appliedRulePriority: $0.rulePriority, storageClass: $0.storageClass)
            }
            let transitioning = all.filter { $0.actionType == "TRANSITION" }.count
            return try ECRResponse.json(PreviewOutput(
                registryId: record.accountID, repositoryName: record.name, lifecyclePolicyText: preview.policyText, status: preview.status,
                nextToken: next, previewResults: results, summary: PreviewSummary(expiringImageTotalCount: all.count - transitioning,
                                                                 transitioningImageTotalCounts: transitioning == 0 ? nil
                                                                     : [TransitionCount(targetStorageClass: "ARCHIVE", imageTotalCount: transitioning)])))
        case "TagResource":
            let input = try await call.input(ECRSettingsRequest.self)
            let tags = try call.required(input.tags, "tags").map {
                RepositoryTag(key: try call.required($0.Key, "tags.member.Key"), value: try call.required($0.Value, "tags.member.Value"))
            }
            try await service.tagResource(call.caller, call.registry, arn: try call.required(input.resourceArn, "resourceArn"), tags: tags)
            return try ECRResponse.json(EmptyOutput())
        case "UntagResource":
            let input = try await call.input(ECRSettingsRequest.self)
            try await service.untagResource(call.caller, call.registry, arn: try call.required(input.resourceArn, "resourceArn"),
                                            keys: try call.required(input.tagKeys, "tagKeys"))
            return try ECRResponse.json(EmptyOutput())
        case "ListTagsForResource":
            let input = try await call.input(ECRSettingsRequest.self)
            let tags = try await service.listTags(call.caller, call.registry, arn: try call.required(input.resourceArn, "resourceArn"))
            return try ECRResponse.json(TagsOutput(tags: tags.map { ECRTag(Key: $0.key, Value: $0.value) }))
        case "StartImageScan" where call.registry == .private, "DescribeImageScanFindings" where call.registry == .private:
            let input = try await call.input(ECRSettingsRequest.self)
            let id = try call.required(input.imageId, "imageId")
            let name = try call.required(input.repositoryName, "repositoryName")
            let identifier = ImageIdentifier(digest: id.imageDigest, tag: id.imageTag)
            let (record, image, scan) = operation == "StartImageScan"
                ? try await service.startImageScan(call.caller, registryID: input.registryId, name: name, id: identifier)
                : try await service.imageScan(call.caller, registryID: input.registryId, name: name, id: identifier)
            return try ECRResponse.json(ScanOutput(
                registryId: record.accountID, repositoryName: record.name,
                imageId: ECRImageIdentifier(imageDigest: image.image.digest, imageTag: id.imageTag),
                imageScanStatus: ECRImageScanStatus(status: scan.status, description: scan.description)))
        default:
            return nil
        }
    }
}

struct EmptyOutput: Encodable {}

struct PolicyOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var policyText: String
}

struct LifecycleOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var lifecyclePolicyText: String
    var lastEvaluatedAt: Double?
}

struct PreviewStartOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var lifecyclePolicyText: String
    var status: String
}

struct TransitionCount: Encodable {
    var targetStorageClass: String
    var imageTotalCount: Int
}

struct PreviewSummary: Encodable {
    var expiringImageTotalCount: Int
    var transitioningImageTotalCounts: [TransitionCount]?
}

struct PreviewOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var lifecyclePolicyText: String
    var status: String
    var nextToken: String?
    var previewResults: [ECRPreviewResult]
    var summary: PreviewSummary
}

struct TagsOutput: Encodable {
    var tags: [ECRTag]
}

struct ScanOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var imageId: ECRImageIdentifier
    var imageScanStatus: ECRImageScanStatus
}
