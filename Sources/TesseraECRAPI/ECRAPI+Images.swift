import Foundation
import Hummingbird
import TesseraEngine
import TesseraStorage
import TesseraWire

extension ECRAPI {
    /// PutImage, BatchGetImage, BatchDeleteImage, ListImages, DescribeImages, DescribeImageTags.
    func imageOperation(_ operation: String, _ call: ECRCall) async throws -> Response? {
        switch operation {
        case "PutImage":
            let input = try await call.input(ECRImageRequest.self)
            let name = try call.required(input.repositoryName, "repositoryName")
            let (image, record) = try await service.putImage(
                call.caller, registryID: input.registryId, call.registry, name: name,
                manifest: try call.required(input.imageManifest, "imageManifest"), mediaType: input.imageManifestMediaType,
                tag: input.imageTag, digest: input.imageDigest)
            return try ECRResponse.json(ImageOutput(image: ECRImage(
                registryId: record.accountID, repositoryName: name, imageId: ECRImageIdentifier(imageDigest: image.digest, imageTag: input.imageTag),
                imageManifest: image.manifest, imageManifestMediaType: image.mediaType)))
        case "BatchGetImage" where call.registry == .private:
            let input = try await call.input(ECRImageRequest.self)
            let name = try call.required(input.repositoryName, "repositoryName")
            let result = try await service.batchGetImage(call.caller, registryID: input.registryId, call.registry, name: name,
                                                         ids: try Self.ids(input, call), acceptedMediaTypes: input.acceptedMediaTypes)
            let registryID = input.registryId ?? call.caller.accountID
            return try ECRResponse.json(BatchGetOutput(
                images: result.images.map { image, id in
                    ECRImage(registryId: registryID, repositoryName: name, imageId: ECRImageIdentifier(imageDigest: id.digest, imageTag: id.tag),
                             imageManifest: image.manifest, imageManifestMediaType: image.mediaType)
                },
                failures: result.failures.map(Self.shape)))
        case "BatchDeleteImage":
            let input = try await call.input(ECRImageRequest.self)
            let result = try await service.batchDeleteImage(call.caller, registryID: input.registryId, call.registry,
                                                            name: try call.required(input.repositoryName, "repositoryName"), ids: try Self.ids(input, call))
            return try ECRResponse.json(BatchDeleteOutput(imageIds: result.deleted.map { ECRImageIdentifier(imageDigest: $0.digest, imageTag: $0.tag) },
                                                          failures: result.failures.map(Self.shape)))
        case "ListImages" where call.registry == .private:
            let input = try await call.input(ECRImageRequest.self)
            let (ids, next) = try await service.listImageIDs(
                call.caller, registryID: input.registryId, call.registry, name: try call.required(input.repositoryName, "repositoryName"),
                filter: ImageListingFilter(tagStatus: input.filter?.tagStatus, imageStatus: input.filter?.imageStatus),
                maxResults: input.maxResults, nextToken: input.nextToken)
            return try ECRResponse.json(ListImagesOutput(imageIds: ids.map { ECRImageIdentifier(imageDigest: $0.digest, imageTag: $0.tag) },
                                                         nextToken: next))
        case "DescribeImages":
            return try await describeImages(call)
        case "DescribeImageTags" where call.registry == .public:
            let input = try await call.input(ECRImageRequest.self)
            let (record, page) = try await service.listImages(
                call.caller, registryID: input.registryId, call.registry, name: try call.required(input.repositoryName, "repositoryName"),
                filter: ImageListingFilter(tagStatus: "TAGGED"), maxResults: input.maxResults, nextToken: input.nextToken,
                action: "DescribeImageTags")
            let details = page.images.flatMap { image in
                image.tags.map { ImageTagDetail(imageTag: $0, createdAt: image.image.pushedAt.timeIntervalSince1970,
                                                imageDetail: ReferencedImageDetail(image.image)) }
            }
            _ = record
            return try ECRResponse.json(ImageTagsOutput(imageTagDetails: details, nextToken: page.nextToken))
        default:
            return nil
        }
    }

    func describeImages(_ call: ECRCall) async throws -> Response {
        let input = try await call.input(ECRImageRequest.self)
        let name = try call.required(input.repositoryName, "repositoryName")
        let record: RepositoryRecord
        let images: [TaggedImage]
        var next: String?
        if input.imageIds != nil {
            guard input.maxResults == nil && input.nextToken == nil else {
                throw ECRWireError("InvalidParameterException", "Cannot specify both imageIds and maxResults or nextToken")
            }
            (record, images) = try await service.describeImages(call.caller, registryID: input.registryId, call.registry, name: name,
                                                                ids: try Self.ids(input, call))
        } else {
            let page: ImagePage
            (record, page) = try await service.listImages(
                call.caller, registryID: input.registryId, call.registry, name: name,
                filter: ImageListingFilter(tagStatus: input.filter?.tagStatus, imageStatus: input.filter?.imageStatus),
                maxResults: input.maxResults, nextToken: input.nextToken, action: "DescribeImages")
            (images, next) = (page.images, page.nextToken)
        }
        let scans = try await service.scanStatuses(repositoryID: record.id, digests: images.map(\.image.digest))
        return try ECRResponse.json(DescribeImagesOutput(imageDetails: images.map { tagged in
            let image = tagged.image
            var detail = ECRImageDetail(
                registryId: record.accountID, repositoryName: name, imageDigest: image.digest, imageTags: tagged.tags.isEmpty ? nil : tagged.tags,
                imageSizeInBytes: image.size, imagePushedAt: image.pushedAt.timeIntervalSince1970, imageManifestMediaType: image.mediaType,
                artifactMediaType: image.artifactMediaType, lastRecordedPullTime: image.lastPulledAt?.timeIntervalSince1970,
                subjectManifestDigest: image.subject, imageStatus: call.registry == .private ? image.status : nil,
                imageScanStatus: scans[image.digest].map { ECRImageScanStatus(status: $0.status, description: $0.description) })
            if call.registry == .private {
                detail.lastArchivedAt = image.lastArchivedAt?.timeIntervalSince1970
                detail.lastActivatedAt = image.lastActivatedAt?.timeIntervalSince1970
            }
            return detail
        }, nextToken: next))
    }

    static func ids(_ input: ECRImageRequest, _ call: ECRCall) throws -> [ImageIdentifier] {
        try call.required(input.imageIds, "imageIds").map { ImageIdentifier(digest: $0.imageDigest, tag: $0.imageTag) }
    }

    static func shape(_ failure: ImageFailure) -> ECRImageFailure {
        ECRImageFailure(imageId: ECRImageIdentifier(imageDigest: failure.imageID.digest, imageTag: failure.imageID.tag),
                        failureCode: failure.code.rawValue, failureReason: failure.reason)
    }
}

struct ImageOutput: Encodable {
    var image: ECRImage
}

struct BatchGetOutput: Encodable {
    var images: [ECRImage]
    var failures: [ECRImageFailure]
}

struct BatchDeleteOutput: Encodable {
    var imageIds: [ECRImageIdentifier]
    var failures: [ECRImageFailure]
}

struct ListImagesOutput: Encodable {
    var imageIds: [ECRImageIdentifier]
    var nextToken: String?
}

struct DescribeImagesOutput: Encodable {
    var imageDetails: [ECRImageDetail]
    var nextToken: String?
}

/// ECR Public's DescribeImageTags entries.
struct ImageTagDetail: Encodable {
    var imageTag: String
    var createdAt: Double
    var imageDetail: ReferencedImageDetail
}

struct ReferencedImageDetail: Encodable {
    var imageDigest: String
    var imageSizeInBytes: Int64
    var imagePushedAt: Double
    var imageManifestMediaType: String
    var artifactMediaType: String?

    init(_ image: ImageRecord) {
        imageDigest = image.digest
        imageSizeInBytes = image.size
        imagePushedAt = image.pushedAt.timeIntervalSince1970
        imageManifestMediaType = image.mediaType
        artifactMediaType = image.artifactMediaType
    }
}

struct ImageTagsOutput: Encodable {
    var imageTagDetails: [ImageTagDetail]
    var nextToken: String?
}
