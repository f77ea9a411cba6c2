import Foundation
import Logging
import TesseraCore
import TesseraStorage

/// The container registry's rules over the shared stores: repositories, layer uploads, images and tags,
/// for ECR, ECR Public and the OCI door alike. Keeps no upload state of its own: every call reads and writes
/// the stores, so any node can serve any request.
public struct RegistryService: Sendable {
    let metadata: any RegistryMetadataStore
    let blobs: any BlobStore
    let ingest: BlobIngest
    let clock: EngineClock
    let tokens: RegistryTokens
    /// How long an upload may go without a part before it is gone (7 days by default, as `--upload-expiry`).
    let uploadExpiry: TimeInterval
    /// How long a completed layer that no image uses stays linked to its repository (7 days by default, as
    /// `--layer-expiry`): pushes upload layers before the manifest that uses them.
    let layerExpiry: TimeInterval

    public init(metadata: any RegistryMetadataStore, blobs: any BlobStore, tokens: RegistryTokens, clock: EngineClock = .system,
                uploadExpiry: TimeInterval = 7 * 24 * 3600, layerExpiry: TimeInterval = 7 * 24 * 3600) {
        self.metadata = metadata
        self.uploadExpiry = uploadExpiry
        self.layerExpiry = layerExpiry
        self.blobs = blobs
        self.ingest = BlobIngest(blobs: blobs)
        self.clock = clock
        self.tokens = tokens
    }

    /// The time, to the millisecond the metadata store keeps: a record returned as created reads back the same.
    var now: Date {
        Date(timeIntervalSince1970: (clock.now.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// The quotas of a registry kind.
    public func limits(_ registry: RegistryKind) -> RegistryLimits {
        registry == .private ? .privateRegistry : .publicRegistry
    }

    /// The repository `name` of the registry `registryID` (the caller's when nil), for `action` (an operation
    /// name such as `BatchGetImage`; policies name it `ecr:BatchGetImage` or `ecr-public:BatchGetImage`). Another
    /// account's repository is reachable only where its repository policy allows the caller that action;
    /// otherwise the answer is the same whether it exists or not.
    func repository(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, _ name: String,
                    action: String) async throws -> RepositoryRecord {
        let owner = try await self.owner(caller, registryID, registry)
        try RepositoryNameRules.check(name, registry: registry, limits: limits(registry))
        let found = try await registryStorage { try await metadata.repository(accountID: owner, registry: registry, name: name) }
        if owner == caller.accountID {
            guard let found else { throw RegistryError.repositoryNotFound(registryID: owner, name: name) }
            return found
        }
        let qualified = Self.iamAction(action, registry)
        let resource = Self.repositoryARN(region: caller.region, accountID: owner, registry: registry, name: name)
        guard let found, let policy = try await registryStorage({ try await metadata.repositorySetting(repositoryID: found.id, kind: .policy) }),
              let parsed = try? RepositoryPolicy(json: policy), parsed.allows(account: caller.accountID, action: qualified) else {
            throw RegistryError.accessDenied(callerAccount: caller.accountID, action: qualified, resource: resource)
        }
        return found
    }

    /// The IAM name of an operation: `ecr:NAME`, or `ecr-public:NAME` for the public registry.
    static func iamAction(_ action: String, _ registry: RegistryKind) -> String {
        (registry == .private ? "ecr:" : "ecr-public:") + action
    }

    /// The account a request's `registryId` names (the caller's when absent): a 12-digit account id, or for the
    /// public registry also a registry alias.
    func owner(_ caller: RegistryCaller, _ registryID: String?, _ registry: RegistryKind) async throws -> String {
        guard let registryID else { return caller.accountID }
        if registryID.utf8.count == 12, registryID.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return registryID
        }
        guard registry == .public else {
            throw RegistryError.invalidParameter(member: "registryId", constraint: "must satisfy regular expression '[0-9]{12}'")
        }
        guard let account = Self.account(ofAlias: registryID) else {
            throw RegistryError.registryNotFound("The registry with alias '\(registryID)' does not exist")
        }
        return account
    }

    /// A caller's own registry: settings of a registry or repository are its owner's to change.
    func ownAccount(_ caller: RegistryCaller, _ registryID: String?, _ registry: RegistryKind, action: String, name: String) async throws -> String {
        let owner = try await self.owner(caller, registryID, registry)
        guard owner == caller.accountID else {
            throw RegistryError.accessDenied(callerAccount: caller.accountID, action: Self.iamAction(action, registry),
                                             resource: Self.repositoryARN(region: caller.region, accountID: owner, registry: registry, name: name))
        }
        return owner
    }

    /// `arn:aws:ecr:REGION:ACCOUNT:repository/NAME`; ECR Public's ARNs carry no region.
    public static func repositoryARN(region: String, accountID: String, registry: RegistryKind, name: String) -> String {
        switch registry {
        case .private: "arn:aws:ecr:\(region):\(accountID):repository/\(name)"
        case .public: "arn:aws:ecr-public::\(accountID):repository/\(name)"
        }
    }

    /// `ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME`, or `public.ecr.aws/ALIAS/NAME`.
    public static func repositoryURI(region: String, accountID: String, registry: RegistryKind, name: String) -> String {
        switch registry {
        case .private: "\(accountID).dkr.ecr.\(region).amazonaws.com/\(name)"
        case .public: "public.ecr.aws/\(defaultRegistryAlias(accountID: accountID))/\(name)"
        }
    }

    /// The registry alias of an account's public registry: `r` and the account id (aliases must begin with a letter).
    public static func defaultRegistryAlias(accountID: String) -> String { "r" + accountID }

    /// The account whose registry alias `alias` is.
    static func account(ofAlias alias: String) -> String? {
        let digits = alias.dropFirst()
        guard alias.first == "r", digits.count == 12, digits.allSatisfy(\.isNumber) else { return nil }
        return String(digits)
    }
}

/// Who calls the registry: the account (from a verified signature or registry token) and the region of its
/// credential scope, which appears in ARNs and URIs. Repositories belong to an account, not to a region.
public struct RegistryCaller: Sendable, Equatable {
    public var accountID: String
    public var region: String

    public init(accountID: String, region: String) {
        self.accountID = accountID
        self.region = region
    }
}

/// Runs a storage call, translating ``StorageError`` into ``RegistryError/storageFailure(_:)``.
func registryStorage<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StorageError {
        throw RegistryError(error)
    }
}
