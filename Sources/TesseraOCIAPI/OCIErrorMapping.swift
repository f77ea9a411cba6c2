import TesseraFrontDoor
import TesseraEngine
import TesseraWire

extension OCIWireError {
    /// The one mapping of the registry's refusals to the OCI distribution API's errors.
    init(_ error: RegistryError, anonymous: Bool = false) {
        switch error {
        case .invalidParameter(let member, let constraint):
            self.init(member == "repositoryName" ? .nameInvalid : .blobUploadInvalid, "\(member) \(constraint)")
        case .invalidRequest(let text):
            self.init(.blobUploadInvalid, text)
        case .repositoryNotFound(_, let name):
            self.init(.nameUnknown, "repository name not known to registry: \(name)")
        case .repositoryAlreadyExists(_, let name):
            self.init(.denied, "repository \(name) already exists")
        case .repositoryNotEmpty(_, let name):
            self.init(.denied, "repository \(name) is not empty")
        case .accessDenied(_, let action, let resource):
            self = anonymous ? Self.authenticationRequired
                : OCIWireError(.denied, "requested access to the resource is denied: \(action) on \(resource)")
        case .uploadNotFound(let uploadID, _):
            self.init(.blobUploadUnknown, "blob upload unknown to registry: \(uploadID)")
        case .partOutOfOrder(let uploadID, let expected):
            self.init(.blobUploadInvalid, "the chunk must start at byte \(expected) of upload \(uploadID)", status: 416,
                      headers: ["Range": "0-\(max(expected - 1, 0))", "Docker-Upload-UUID": uploadID])
        case .partLengthMismatch(_, let first, let last, let length, _):
            self.init(.blobUploadInvalid, "Content-Range \(first)-\(last) does not match the \(length) bytes sent")
        case .partTooSmall, .emptyUpload:
            self.init(.blobUploadInvalid, "the upload is incomplete")
        case .layerDigestMismatch(let given, let computed):
            self.init(.digestInvalid, "provided digest \(given) did not match uploaded content \(computed)")
        case .invalidDigest(let text):
            self.init(.digestInvalid, "invalid or unsupported digest: \(text)")
        case .layerAlreadyExists(let digest):
            self.init(.blobUploadInvalid, "blob \(digest) already exists")
        case .limitExceeded(let text):
            self.init(.sizeInvalid, text)
        case .tooManyTags(let limit):
            self.init(.denied, "a repository may have at most \(limit) resource tags")
        case .invalidTag(let text):
            self.init(.tagInvalid, text)
        case .layersNotFound(let digests, _, _):
            self.init(.manifestBlobUnknown, "blob unknown to registry: \(digests.joined(separator: ", "))")
        case .referencedImagesNotFound(let digests):
            self.init(.manifestBlobUnknown, "manifest unknown to registry: \(digests.joined(separator: ", "))")
        case .layerInaccessible(let digest), .blobInUse(let digest):
            self.init(.denied, "blob \(digest) is used by an image of the repository")
        case .invalidManifest(let text):
            self.init(.manifestInvalid, "manifest invalid: \(text)")
        case .imageDigestMismatch(let given, let computed, _, _):
            self.init(.digestInvalid, "provided digest \(given) did not match the manifest's digest \(computed)")
        case .imageAlreadyExists(let digest, _, _, _):
            self.init(.manifestInvalid, "manifest \(digest) already exists")
        case .imageTagAlreadyExists(let tag, let name, _):
            self.init(.tagInvalid, "The image tag '\(tag)' already exists in the '\(name)' repository and cannot be overwritten "
                + "because the tag is immutable.")
        case .imageNotFound(let id, _, _):
            self.init(.manifestUnknown, "manifest unknown: \(id.digest ?? id.tag ?? "")")
        case .imageArchived(let digest):
            self.init(.manifestUnknown, "manifest \(digest) is archived; restore it with UpdateImageStorageClass first")
        case .imageReferencedByIndex(let digest, let indexes):
            self.init(.denied, "manifest \(digest) is listed by \(indexes.joined(separator: ", ")); delete those first")
        case .registryNotFound(let text):
            self.init(.nameUnknown, text)
        case .settingNotFound, .invalidDocument, .templateAlreadyExists, .templateNotFound, .pullThroughCacheRuleAlreadyExists,
             .pullThroughCacheRuleNotFound, .scanNotFound, .lifecyclePreviewNotFound:
            self.init(.unsupported, "the operation is unsupported")
        case .storageFailure:
            self.init(.unknown, "the registry could not complete the request; try again")
        case .outOfSpace:
            self.init(.unknown, OutOfSpaceAnswer.message, status: 503, headers: ["Retry-After": String(OutOfSpaceAnswer.retryAfterSeconds)])
        }
    }

    /// 401 with the challenge docker, podman and skopeo answer with Basic credentials (`AWS:<password>`).
    static let authenticationRequired = OCIWireError(
        .unauthorized, "authentication required: log in with user AWS and the password of GetAuthorizationToken",
        headers: ["WWW-Authenticate": "Basic realm=\"Tessera\""])
}
