import Foundation
import TesseraStorage

/// How the OCI door's repository names map onto registries (see docs/registry.md#oci-names):
/// - `r<12-digit account>/NAME` is repository NAME of that account's public registry (ECR Public's registry
///   alias), pulled by anyone, pushed by its owner;
/// - `NAME` is the caller's private repository NAME;
/// - `<12-digit account>/NAME`, when the caller has no repository of that full name, is another account's
///   private repository NAME, reachable as its repository policy allows;
/// - a push to a private repository that does not exist creates it when a `CREATE_ON_PUSH` repository creation
///   template covers its name (``createOnPush(accountID:name:)``).
extension RegistryService {
    /// The region the OCI door's ARNs name: a registry password carries no region.
    static let ociRegion = "us-east-1"

    /// Whether an OCI name is one of a public registry's, `r<12-digit account>/NAME` (whether or not it exists).
    public static func isPublicRepositoryName(_ name: String) -> Bool {
        let components = name.split(separator: "/", maxSplits: 1)
        return components.count == 2 && account(ofAlias: String(components[0])) != nil
    }

    /// The repository an OCI name refers to, for `access`.
    /// - Throws: ``RegistryError/repositoryNotFound(registryID:name:)`` (the spec's `NAME_UNKNOWN`) or
    ///   ``RegistryError/accessDenied(callerAccount:action:resource:)`` (`DENIED`, or `UNAUTHORIZED` anonymously).
    public func ociRepository(_ principal: RegistryPrincipal, name: String, access: RegistryAccess) async throws -> RepositoryRecord {
        let components = name.split(separator: "/", maxSplits: 1).map(String.init)
        if components.count == 2, let owner = Self.account(ofAlias: components[0]) {
            let rest = components[1]
            try RepositoryNameRules.check(rest, registry: .public, limits: limits(.public))
            if access != .pull && principal.accountID != owner {
                throw RegistryError.accessDenied(callerAccount: principal.accountID ?? "anonymous", action: Self.iamAction(access.action, .public),
                                                 resource: Self.repositoryARN(region: Self.ociRegion, accountID: owner, registry: .public, name: rest))
            }
            guard let record = try await registryStorage({ try await metadata.repository(accountID: owner, registry: .public, name: rest) }) else {
                throw RegistryError.repositoryNotFound(registryID: owner, name: rest)
            }
            return record
        }
        guard let account = principal.accountID else {
            throw RegistryError.accessDenied(callerAccount: "anonymous", action: Self.iamAction(access.action, .private),
                                             resource: Self.repositoryARN(region: Self.ociRegion, accountID: "", registry: .private, name: name))
        }
        let caller = RegistryCaller(accountID: account, region: Self.ociRegion)
        try RepositoryNameRules.check(name, registry: .private, limits: limits(.private))
        if let own = try await registryStorage({ try await metadata.repository(accountID: account, registry: .private, name: name) }) {
            return own
        }
        if components.count == 2, components[0].count == 12, components[0].allSatisfy(\.isNumber), components[0] != account {
            return try await repository(caller, registryID: components[0], .private, components[1], action: access.action)
        }
        if access == .push, let created = try await createOnPush(accountID: account, name: name) {
            return created
        }
        throw RegistryError.repositoryNotFound(registryID: account, name: name)
    }

    /// The repositories the caller's catalog lists: its private ones, then its public ones under their alias,
    /// sorted, after `last`, at most `limit`.
    public func catalog(_ principal: RegistryPrincipal, last: String?, limit: Int,
                        registries: [RegistryKind] = RegistryKind.allCases) async throws -> [String] {
        guard let account = principal.accountID else { return [] }
        let alias = Self.defaultRegistryAlias(accountID: account)
        var names: [String] = []
        for registry in registries {
            var from: String?
            while true {
                let page = try await registryStorage { try await metadata.listRepositories(accountID: account, registry: registry, fromName: from, limit: 1000) }
                names += page.map { registry == .private ? $0.name : "\(alias)/\($0.name)" }
                guard page.count == 1000, let next = page.last else { break }
                from = next.name + "\u{0}"
            }
        }
        return Array(names.sorted().filter { last == nil || $0 > (last ?? "") }.prefix(limit))
    }
}
