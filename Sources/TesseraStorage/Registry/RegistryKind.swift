/// Which of an account's two registries a repository belongs to: the private one (Amazon ECR) or the
/// public one (Amazon ECR Public). Each has its own namespace of repository names and its own limits.
public enum RegistryKind: String, Sendable, CaseIterable {
    case `private` = "private"
    case `public` = "public"
}
