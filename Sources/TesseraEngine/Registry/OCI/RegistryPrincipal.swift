/// Who calls the OCI door: an account (HTTP Basic `AWS:<password>` from GetAuthorizationToken), or nobody (no
/// credentials), who may only pull from public repositories.
public enum RegistryPrincipal: Sendable, Equatable {
    case account(String)
    case anonymous

    var accountID: String? {
        if case .account(let id) = self { return id }
        return nil
    }
}

/// What a request to the OCI door wants to do with a repository.
public enum RegistryAccess: Sendable {
    case pull
    case push
    case delete

    /// The IAM action a repository policy must allow another account for this access.
    var action: String {
        switch self {
        case .pull: "BatchGetImage"
        case .push: "PutImage"
        case .delete: "BatchDeleteImage"
        }
    }
}
