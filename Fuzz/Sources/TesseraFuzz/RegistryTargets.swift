import Foundation
import TesseraCore
@testable import TesseraEngine

/// The registry's documents (TesseraEngine/Registry): its strict JSON reader, repository and registry
/// policies, lifecycle policies and image manifests, all sent by clients as text.
extension FuzzTarget {
    /// PolicyJSON, the strict JSON reader under policies and manifests: what it reads is JSON (as
    /// JSONSerialization reads it) and reads back the same once written out.
    static let policyJSON = FuzzTarget(
        name: "policy-json", maxLength: 4096,
        summary: "the registry's strict JSON reader (PolicyJSONParser), against JSONSerialization and its own rendering"
    ) { bytes in
        let input = text(bytes)
        guard let value = PolicyJSON.parse(input) else { return }
        let rendered = RegistryChecks.render(value)
        let again = PolicyJSON.parse(rendered)
        check(again == value, "\(input.debugDescription) read as \(value), written as \(rendered.debugDescription), read back as \(String(describing: again))")
        check((try? JSONSerialization.jsonObject(with: Data(input.utf8), options: .fragmentsAllowed)) != nil,
              "PolicyJSON read \(input.debugDescription), which JSONSerialization refuses")
    }

    /// SetRepositoryPolicy's and PutRegistryPolicy's policy texts.
    static let repositoryPolicy = FuzzTarget(
        name: "repository-policy", maxLength: 4096,
        summary: "repository and registry policy texts (RepositoryPolicy), then allows() over their principals and actions"
    ) { bytes in
        let input = text(bytes)
        let repository = try? RepositoryPolicy(json: input)
        let registry = try? RepositoryPolicy(registryPolicyJSON: input)
        // A registry policy may name repositories in Resource; otherwise the two read the same.
        if let repository {
            check(registry == repository, "a repository policy that is not the same registry policy: \(input.debugDescription)")
        }
        guard let policy = registry else { return }
        check(!policy.statements.isEmpty, "a policy without statements: \(input.debugDescription)")
        var accounts = ["123456789012", "210987654321", ""]
        var actions = ["ecr:BatchGetImage", "ecr:PutImage", "ECR:batchgetimage", ""]
        for statement in policy.statements {
            for principal in statement.principals {
                if case .account(let id) = principal { accounts.append(id) }
            }
            switch statement.actions {
            case .only(let entries), .allExcept(let entries): actions += entries
            }
        }
        for account in accounts.prefix(8) {
            for action in actions.prefix(8) {
                let allowed = policy.allows(account: account, action: action)
                if policy.statements.allSatisfy({ $0.effect == .deny }) {
                    check(!allowed, "a policy of Deny statements allows \(account) \(action)")
                }
            }
        }
    }

    /// PutLifecyclePolicy's and StartLifecyclePolicyPreview's policy texts, then an evaluation over a
    /// small repository.
    static let lifecyclePolicy = FuzzTarget(
        name: "lifecycle-policy", maxLength: 4096,
        summary: "lifecycle policy texts (LifecyclePolicy), then LifecycleEvaluation over a fixed repository"
    ) { bytes in
        let input = text(bytes)
        let policy: LifecyclePolicy
        do throws(LifecyclePolicyError) {
            policy = try LifecyclePolicy(json: input)
        } catch {
            check(!error.message.isEmpty && !error.reason.isEmpty, "an empty error for \(input.debugDescription)")
            return
        }
        let priorities = policy.rules.map(\.rulePriority)
        check(!priorities.isEmpty && priorities.allSatisfy { $0 >= 1 }, "rule priorities \(priorities)")
        check(zip(priorities, priorities.dropFirst()).allSatisfy { $0 < $1 }, "rule priorities \(priorities) not strictly increasing")
        let actions = LifecycleEvaluation.evaluate(policy, images: RegistryChecks.images, now: RegistryChecks.now)
        check(Set(actions.map(\.digest)).count == actions.count, "an image acted on twice: \(actions)")
        check(actions.allSatisfy { priorities.contains($0.rulePriority) }, "an action by no rule: \(actions)")
        check(zip(actions, actions.dropFirst()).allSatisfy { $0.rulePriority <= $1.rulePriority }, "actions out of rule order")
    }

    /// PutImage's and the OCI door's manifests.
    ///
    /// Input: one byte naming the declared media type (`0` none, `1`–`4` the four manifest types, `5` a
    /// type with parameters, anything else an unknown type), then the manifest.
    static let imageManifest = FuzzTarget(
        name: "image-manifest", maxLength: 8192,
        summary: "image manifests and indexes (ImageManifest), the declared media type picked by the first byte"
    ) { bytes in
        guard let selector = bytes.first else { return }
        let input = text(bytes.dropFirst())
        let declared: String? = switch selector {
        case UInt8(ascii: "0"): nil
        case UInt8(ascii: "1"): ManifestMediaType.dockerManifest
        case UInt8(ascii: "2"): ManifestMediaType.dockerManifestList
        case UInt8(ascii: "3"): ManifestMediaType.ociManifest
        case UInt8(ascii: "4"): ManifestMediaType.ociIndex
        case UInt8(ascii: "5"): "Application/vnd.oci.image.manifest.v1+json; charset=utf-8"
        default: "application/octet-stream"
        }
        let manifest: ImageManifest
        do {
            manifest = try ImageManifest(input, declaredMediaType: declared)
        } catch {
            return
        }
        check(ManifestMediaType.all.contains(manifest.mediaType), "media type \(manifest.mediaType)")
        switch manifest.kind {
        case .image(let config, let layers):
            check(ManifestMediaType.images.contains(manifest.mediaType), "an image manifest of type \(manifest.mediaType)")
            check(manifest.listedManifests.isEmpty, "an image manifest listing manifests")
            // What ECR reports as imageSizeInBytes (PutImage reads it for every manifest): config and
            // layers, as declared.
            let reported = manifest.imageSize
            var total = config.size
            var overflow = false
            for layer in layers {
                let sum = total.addingReportingOverflow(layer.size)
                (total, overflow) = (sum.partialValue, overflow || sum.overflow)
            }
            if !overflow { check(reported == total, "imageSize \(String(describing: reported)), declared sizes add up to \(total)") }
            check(manifest.requiredBlobs.allSatisfy { $0 == config || layers.contains($0) }, "a required blob that is neither config nor layer")
        case .index(let manifests):
            check(ManifestMediaType.indexes.contains(manifest.mediaType), "an index of type \(manifest.mediaType)")
            check(manifest.imageSize == nil && manifest.requiredBlobs.isEmpty, "an index with an image size or blobs")
            check(manifest.listedManifests == manifests, "listedManifests")
        }
        let descriptors = manifest.requiredBlobs + manifest.listedManifests + (manifest.subject.map { [$0] } ?? [])
        for descriptor in descriptors {
            check(ContentDigest(descriptor.digest.string) == descriptor.digest, "digest \(descriptor.digest) does not parse back")
            check(descriptor.size >= 0 && !descriptor.mediaType.isEmpty, "descriptor \(descriptor)")
        }
        // Declaring the type the manifest turned out to be changes nothing.
        let again = try? ImageManifest(input, declaredMediaType: manifest.mediaType)
        check(again == manifest, "\(input.debugDescription) reads differently declared as \(manifest.mediaType)")
    }
}

enum RegistryChecks {
    static let now = Date(timeIntervalSince1970: 1_714_564_800)

    /// A small repository for lifecycle evaluation: tagged and untagged, standard and archived, pulled
    /// and restored, one image referenced by a manifest list.
    static let images: [LifecycleImage] = {
        let day: TimeInterval = 86_400
        func digest(_ n: Int) -> String { "sha256:" + String(repeating: String(n % 10), count: 64) }
        return [
            LifecycleImage(digest: digest(1), tags: ["latest", "v1.2.3"], pushedAt: now - 2 * day),
            LifecycleImage(digest: digest(2), tags: ["v1.2.2", "prod-2024"], pushedAt: now - 40 * day, lastPulledAt: now - 5 * day),
            LifecycleImage(digest: digest(3), tags: [], pushedAt: now - 400 * day),
            LifecycleImage(digest: digest(4), tags: ["release-a*b"], pushedAt: now - 100 * day, storageClass: .archive,
                           lastArchivedAt: now - 95 * day),
            LifecycleImage(digest: digest(5), tags: ["dev"], pushedAt: now - 10 * day, lastActivatedAt: now - 1 * day),
            LifecycleImage(digest: digest(6), tags: [], pushedAt: now - 30 * day, manifestListDigests: [digest(7)]),
            LifecycleImage(digest: digest(7), tags: ["multi"], pushedAt: now - 30 * day),
        ]
    }()

    /// `value` as compact JSON text, members in key order.
    static func render(_ value: PolicyJSON) -> String {
        switch value {
        case .null: return "null"
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .number(let number): return "\(number)"
        case .string(let string): return quoted(string)
        case .array(let elements): return "[" + elements.map(render).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { quoted($0) + ":" + render(members[$0] ?? .null) }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{00}"..."\u{1F}": out += "\\u00" + Hex.encode([UInt8(scalar.value)])
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
