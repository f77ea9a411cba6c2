import Foundation
import TesseraStorage

extension RegistryService {
    /// StartLifecyclePolicyPreview: evaluates `policyText` (or the repository's policy) against the repository's
    /// images now and keeps the outcome for GetLifecyclePolicyPreview.
    public func startLifecyclePolicyPreview(_ caller: RegistryCaller, registryID: String?, name: String,
                                            policyText: String?) async throws -> (RepositoryRecord, LifecyclePreview) {
        let record = try await ownRepository(caller, registryID: registryID, .private, name, action: "StartLifecyclePolicyPreview")
        let text: String
        if let policyText {
            text = policyText
        } else if let stored = try await registryStorage({ try await metadata.repositorySetting(repositoryID: record.id, kind: .lifecyclePolicy) }) {
            text = stored
        } else {
            throw RegistryError.settingNotFound(kind: .lifecyclePolicy, registryID: record.accountID, repositoryName: name)
        }
        let policy = try Self.parseLifecyclePolicy(text)
        let actions = LifecycleEvaluation.evaluate(policy, images: try await lifecycleImages(record), now: now)
        let preview = LifecyclePreview(policyText: text, actions: actions)
        let json = String(decoding: try JSONEncoder().encode(preview), as: UTF8.self)
        _ = try await registryStorage { try await metadata.setRepositorySetting(repositoryID: record.id, kind: .lifecyclePreview, json: json) }
        return (record, preview)
    }

    /// GetLifecyclePolicyPreview: the last preview started for the repository.
    public func lifecyclePolicyPreview(_ caller: RegistryCaller, registryID: String?, name: String) async throws -> (RepositoryRecord, LifecyclePreview) {
        let record = try await ownRepository(caller, registryID: registryID, .private, name, action: "GetLifecyclePolicyPreview")
        guard let json = try await registryStorage({ try await metadata.repositorySetting(repositoryID: record.id, kind: .lifecyclePreview) }),
              let preview = try? JSONDecoder().decode(LifecyclePreview.self, from: Data(json.utf8)) else {
            throw RegistryError.lifecyclePreviewNotFound(repositoryName: name)
        }
        return (record, preview)
    }

    /// Every image of a repository as lifecycle evaluation sees it.
    func lifecycleImages(_ record: RepositoryRecord) async throws -> [LifecycleImage] {
        let membership = try await registryStorage { try await metadata.indexMembership(repositoryID: record.id) }
        var images: [LifecycleImage] = []
        var after: ImageCursor?
        while true {
            let page = try await registryStorage { try await metadata.listImages(repositoryID: record.id, after: after, inclusive: false, limit: 1000) }
            for tagged in page {
                let image = tagged.image
                images.append(LifecycleImage(digest: image.digest, tags: tagged.tags, pushedAt: image.pushedAt, lastPulledAt: image.lastPulledAt,
                                             storageClass: image.status == "ARCHIVED" ? .archive : .standard,
                                             lastArchivedAt: image.lastArchivedAt, lastActivatedAt: image.lastActivatedAt,
                                             manifestListDigests: membership[image.digest] ?? []))
            }
            guard page.count == 1000, let last = page.last else { return images }
            after = ImageCursor(last.image)
        }
    }

    /// Applies every repository's lifecycle policy once: expires (deletes) and archives the images the rules
    /// select. Returns how many images each action took.
    public func applyLifecyclePolicies() async throws -> (expired: Int, archived: Int) {
        var (expired, archived) = (0, 0)
        for (record, text) in try await registryStorage({ try await metadata.repositories(withSetting: .lifecyclePolicy) }) {
            guard let policy = try? LifecyclePolicy(json: text) else { continue }
            _ = try await registryStorage {
                try await metadata.setRepositorySetting(repositoryID: record.id, kind: .lifecycleEvaluatedAt, json: String(now.timeIntervalSince1970))
            }
            for action in LifecycleEvaluation.evaluate(policy, images: try await lifecycleImages(record), now: now) {
                if action.actionType == "EXPIRE" {
                    if case .deleted = try await registryStorage({ try await metadata.deleteImage(repositoryID: record.id, digest: action.digest) }) {
                        expired += 1
                    }
                } else if try await registryStorage({ try await metadata.setImageStatus(repositoryID: record.id, digest: action.digest, status: "ARCHIVED", at: now) }) {
                    archived += 1
                }
            }
        }
        return (expired, archived)
    }

    /// Drops uploads not written to within the upload expiry, and unlinks layers that no image references and
    /// that were linked longer ago than the layer expiry (their bytes go with the next garbage collection, unless something
    /// else holds them). Returns how many of each.
    public func expireUploads() async throws -> (uploads: Int, links: Int) {
        let uploads = try await registryStorage { try await metadata.expireLayerUploads(updatedBefore: now.addingTimeInterval(-uploadExpiry)) }
        let links = try await registryStorage { try await metadata.expireUnreferencedLinks(linkedBefore: now.addingTimeInterval(-layerExpiry)) }
        return (uploads, links)
    }
}
