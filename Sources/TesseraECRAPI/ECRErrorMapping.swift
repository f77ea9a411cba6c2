import TesseraFrontDoor
import TesseraEngine
import TesseraWire

extension ECRWireError {
    /// The one mapping of the registry's refusals to ECR's (and ECR Public's) wire errors.
    init(_ error: RegistryError) {
        switch error {
        case .invalidParameter(let member, let constraint):
            self = .invalidParameter(member: member, constraint: constraint)
        case .invalidRequest(let text):
            self.init("InvalidParameterException", text)
        case .repositoryNotFound(let registryID, let name):
            self = .repositoryNotFound(name: name, registryID: registryID)
        case .repositoryAlreadyExists(let registryID, let name):
            self = .repositoryAlreadyExists(name: name, registryID: registryID)
        case .repositoryNotEmpty(let registryID, let name):
            self = .repositoryNotEmpty(name: name, registryID: registryID)
        case .accessDenied(let account, let action, let resource):
            self = .accessDenied(callerAccount: account, action: action, resource: resource)
        case .uploadNotFound(let uploadID, let name):
            self = .uploadNotFound(uploadID: uploadID, name: name)
        case .partOutOfOrder(let uploadID, let expected):
            self = .partOutOfOrder(uploadID: uploadID, expectedFirstByte: expected)
        case .partLengthMismatch(let uploadID, let first, let last, let length, let expected):
            self = .partLengthMismatch(uploadID: uploadID, firstByte: first, lastByte: last, length: length, expectedFirstByte: expected)
        case .partTooSmall:
            self = .layerPartTooSmall()
        case .emptyUpload(let uploadID):
            self = .emptyUpload(uploadID: uploadID)
        case .layerDigestMismatch(let given, let computed):
            self = .invalidLayer(given: given, computed: computed)
        case .invalidDigest(let text):
            self.init("InvalidLayerException", "The layer digest '\(text)' is not a valid sha256 digest")
        case .layerAlreadyExists(let digest):
            self = .layerAlreadyExists(digest: digest)
        case .limitExceeded(let text):
            self.init("LimitExceededException", text)
        case .tooManyTags(let limit):
            self.init("TooManyTagsException", "A repository may have at most \(limit) tags")
        case .invalidTag(let text):
            self.init("InvalidTagParameterException", text)
        case .layersNotFound(let digests, let registryID, let name):
            self = .layersNotFound(digests: digests, name: name, registryID: registryID)
        case .blobInUse(let digest):
            self.init("InvalidParameterException", "The layer '\(digest)' is used by an image of the repository")
        case .layerInaccessible(let digest):
            self.init("LayerInaccessibleException", "The layer '\(digest)' is not accessible")
        case .referencedImagesNotFound(let digests):
            self.init("ReferencedImagesNotFoundException", "Images with digests '[\(digests.joined(separator: ","))]' referenced by the manifest list do not exist in the repository")
        case .invalidManifest(let text):
            self = .invalidParameter(member: "ImageManifest", constraint: text)
        case .imageDigestMismatch(let given, _, let name, let registryID):
            self = .imageDigestDoesNotMatch(given: given, name: name, registryID: registryID)
        case .imageAlreadyExists(let digest, let tag, let name, let registryID):
            self = .imageAlreadyExists(digest: digest, tag: tag, name: name, registryID: registryID)
        case .imageTagAlreadyExists(let tag, let name, _):
            self = .imageTagAlreadyExists(tag: tag, name: name)
        case .imageArchived(let digest):
            self.init("ImageArchivedException", "The image '\(digest)' is archived and cannot be scanned.")
        case .imageReferencedByIndex(let digest, let indexes):
            self.init("InvalidParameterException", "The image '\(digest)' is referenced by manifest list: [\(indexes.joined(separator: ", "))]")
        case .imageNotFound(let id, let name, let registryID):
            self = .imageNotFound(digest: id.digest, tag: id.tag, name: name, registryID: registryID)
        case .settingNotFound(let kind, let registryID, let name):
            self = Self.settingNotFound(kind, registryID: registryID, name: name)
        case .invalidDocument(let kind, let reason):
            self = Self.invalidDocument(kind, reason: reason)
        case .templateAlreadyExists(let prefix):
            self.init("TemplateAlreadyExistsException", "A repository creation template with prefix '\(prefix)' already exists")
        case .templateNotFound(let prefix):
            self.init("TemplateNotFoundException", "No repository creation template with prefix '\(prefix)' exists")
        case .pullThroughCacheRuleAlreadyExists(let prefix):
            self.init("PullThroughCacheRuleAlreadyExistsException", "A pull through cache rule with prefix '\(prefix)' already exists")
        case .pullThroughCacheRuleNotFound(let prefix):
            self.init("PullThroughCacheRuleNotFoundException", "No pull through cache rule with prefix '\(prefix)' exists")
        case .scanNotFound(let digest, let name):
            self.init("ScanNotFoundException", "No scan of image '\(digest)' in the repository with name '\(name)' has been started")
        case .lifecyclePreviewNotFound(let name):
            self.init("LifecyclePolicyPreviewNotFoundException", "No lifecycle policy preview was started for the repository with name '\(name)'")
        case .registryNotFound(let text):
            self.init("RegistryNotFoundException", text)
        case .storageFailure:
            self = .server()
        case .outOfSpace:
            self = .server(OutOfSpaceAnswer.message)
        }
    }

    static func settingNotFound(_ kind: RegistryError.SettingKind, registryID: String, name: String?) -> ECRWireError {
        let repository = name.map { " for the repository with name '\($0)'" } ?? ""
        switch kind {
        case .repositoryPolicy:
            return ECRWireError("RepositoryPolicyNotFoundException", "Repository policy does not exist\(repository) in the registry with id '\(registryID)'")
        case .lifecyclePolicy:
            return ECRWireError("LifecyclePolicyNotFoundException", "Lifecycle policy does not exist\(repository) in the registry with id '\(registryID)'")
        case .registryPolicy:
            return ECRWireError("RegistryPolicyNotFoundException", "Registry policy does not exist in the registry with id '\(registryID)'")
        case .signingConfiguration:
            return ECRWireError("SigningConfigurationNotFoundException", "No signing configuration exists in the registry with id '\(registryID)'")
        case .catalogData:
            return ECRWireError("RepositoryCatalogDataNotFoundException", "Catalog data does not exist\(repository)")
        case .replicationConfiguration, .scanningConfiguration:
            return ECRWireError("ValidationException", "No \(kind.rawValue) exists in the registry with id '\(registryID)'")
        }
    }

    static func invalidDocument(_ kind: RegistryError.SettingKind, reason: String) -> ECRWireError {
        switch kind {
        case .lifecyclePolicy:
            return .invalidParameter(member: "LifecyclePolicyText", constraint: reason)
        case .repositoryPolicy, .registryPolicy:
            return .invalidParameter(member: "PolicyText", constraint: reason)
        default:
            return ECRWireError("ValidationException", reason)
        }
    }
}
