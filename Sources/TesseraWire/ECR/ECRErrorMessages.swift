/// The sentences of ECR's errors, in one place. Where real ECR's wording is known (quoted in public issues
/// and SDK tests, see docs/aws/ecr.md#errors) it is used verbatim; the rest follow its style.
extension ECRWireError {
    public static func invalidParameter(member: String, constraint: String) -> ECRWireError {
        ECRWireError("InvalidParameterException", "Invalid parameter at '\(member)' failed to satisfy constraint: '\(constraint)'")
    }

    public static func repositoryNotFound(name: String, registryID: String) -> ECRWireError {
        ECRWireError("RepositoryNotFoundException", "The repository with name '\(name)' does not exist in the registry with id '\(registryID)'")
    }

    public static func repositoryAlreadyExists(name: String, registryID: String) -> ECRWireError {
        ECRWireError("RepositoryAlreadyExistsException", "The repository with name '\(name)' already exists in the registry with id '\(registryID)'")
    }

    public static func repositoryNotEmpty(name: String, registryID: String) -> ECRWireError {
        ECRWireError("RepositoryNotEmptyException",
                     "The repository with name '\(name)' in registry with id '\(registryID)' cannot be deleted because it still contains images")
    }

    public static func accessDenied(callerAccount: String, action: String, resource: String) -> ECRWireError {
        ECRWireError("AccessDeniedException", "User: arn:aws:iam::\(callerAccount):root is not authorized to perform: \(action) "
            + "on resource: \(resource) because no resource-based policy allows the \(action) action")
    }

    public static func uploadNotFound(uploadID: String, name: String) -> ECRWireError {
        ECRWireError("UploadNotFoundException", "The upload with id '\(uploadID)' does not exist in the repository with name '\(name)'",
                     members: ["uploadId": .string(uploadID)])
    }

    /// InvalidLayerPartException for a part that does not start where the upload stands; `lastValidByteReceived`
    /// is -1 while nothing has been received.
    public static func partOutOfOrder(uploadID: String, expectedFirstByte: Int64) -> ECRWireError {
        ECRWireError("InvalidLayerPartException",
                     "The part's first byte must be \(expectedFirstByte): layer parts are uploaded in order, and \(expectedFirstByte) bytes have been received",
                     members: ["uploadId": .string(uploadID), "lastValidByteReceived": .integer(expectedFirstByte - 1)])
    }

    /// InvalidLayerPartException for a part whose range does not match its length.
    public static func partLengthMismatch(uploadID: String, firstByte: Int64, lastByte: Int64, length: Int64,
                                          expectedFirstByte: Int64) -> ECRWireError {
        ECRWireError("InvalidLayerPartException", "The part's range \(firstByte)-\(lastByte) does not match its \(length) bytes",
                     members: ["uploadId": .string(uploadID), "lastValidByteReceived": .integer(expectedFirstByte - 1)])
    }

    public static func layerPartTooSmall() -> ECRWireError {
        ECRWireError("LayerPartTooSmallException", "All layer parts except the last part should be at least 5MB")
    }

    public static func emptyUpload(uploadID: String) -> ECRWireError {
        ECRWireError("EmptyUploadException", "The upload with id '\(uploadID)' does not contain any layer parts")
    }

    public static func invalidLayer(given: String, computed: String) -> ECRWireError {
        ECRWireError("InvalidLayerException",
                     "The layer digest calculation performed by Amazon ECR upon receipt of the image layer does not match the digest specified: "
                     + "given \(given), computed \(computed)")
    }

    public static func layerAlreadyExists(digest: String) -> ECRWireError {
        ECRWireError("LayerAlreadyExistsException", "The layer '\(digest)' already exists in the repository")
    }

    public static func layersNotFound(digests: [String], name: String, registryID: String) -> ECRWireError {
        ECRWireError("LayersNotFoundException", "Layers with digests '[\(digests.joined(separator: ","))]' required for pushing image into "
            + "repository with name '\(name)' in the registry with id '\(registryID)' do not exist")
    }

    public static func imageAlreadyExists(digest: String, tag: String?, name: String, registryID: String) -> ECRWireError {
        ECRWireError("ImageAlreadyExistsException", "Image with digest '\(digest)' and tag '\(tag ?? "null")' already exists in the repository "
            + "with name '\(name)' in registry with id '\(registryID)'")
    }

    public static func imageTagAlreadyExists(tag: String, name: String) -> ECRWireError {
        ECRWireError("ImageTagAlreadyExistsException", "The image tag '\(tag)' already exists in the '\(name)' repository and cannot be "
            + "overwritten because the tag is immutable.")
    }

    public static func imageDigestDoesNotMatch(given: String, name: String, registryID: String) -> ECRWireError {
        ECRWireError("ImageDigestDoesNotMatchException", "The image with digest '\(given)' in repository '\(name)' and registry ID "
            + "'\(registryID)' does not match the image digest that Amazon ECR has calculated.")
    }

    public static func imageNotFound(digest: String?, tag: String?, name: String, registryID: String) -> ECRWireError {
        let parts = [digest.map { "imageDigest=\($0)" }, tag.map { "imageTag=\($0)" }].compactMap { $0 }
        return ECRWireError("ImageNotFoundException", "The image with imageId {\(parts.joined(separator: ", "))} does not exist "
            + "within the repository with name '\(name)' in the registry with id '\(registryID)'")
    }

    /// A request body that is not JSON of the operation's shape.
    public static func serialization(_ detail: String) -> ECRWireError {
        ECRWireError("SerializationException", detail)
    }

    public static func server(_ message: String = "The service could not complete the request; try again.") -> ECRWireError {
        ECRWireError("ServerException", message)
    }
}
