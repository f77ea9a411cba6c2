import Foundation

/// Who a repository policy statement speaks of (`Principal`), reduced to what a registry that
/// authorizes whole accounts can tell apart.
///
/// `"*"` and `{"AWS": "*"}` mean everyone. An `AWS` entry names an account by its 12-digit ID, by
/// `arn:aws:iam::ACCOUNT:root`, or by an IAM identity of that account: `arn:aws:iam::ACCOUNT:user/…`,
/// `arn:aws:iam::ACCOUNT:role/…` or `arn:aws:sts::ACCOUNT:assumed-role/…`. This registry
/// authenticates accounts, not IAM users or roles, so such an identity is treated as its whole
/// account: a grant to one user of an account is a grant to that account. `Service` and `Federated`
/// principals are accepted but never match an account. Wildcards inside an ARN are refused, as IAM
/// refuses them.
/// Source: "IAM JSON policy elements: Principal",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
public enum RepositoryPolicyPrincipal: Sendable, Equatable {
    case everyone
    case account(String)
    case service(String)
    case federated(String)

    /// Whether a caller from `account` is this principal.
    public func includes(account: String) -> Bool {
        switch self {
        case .everyone: true
        case .account(let id): id == account
        case .service, .federated: false
        }
    }

    /// The principal an `AWS` entry names, or nil when the entry is not a valid one.
    static func aws(_ entry: String) -> RepositoryPolicyPrincipal? {
        if entry == "*" { return .everyone }
        if isAccountID(entry) { return .account(entry) }
        let fields = entry.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "arn", fields[1].hasPrefix("aws"), fields[3].isEmpty,
              isAccountID(fields[4]), !fields[5].contains("*"), !fields[5].contains("?")
        else { return nil }
        let resource = fields[5]
        switch fields[2] {
        case "iam" where resource == "root" || named(resource, after: "user/") || named(resource, after: "role/"):
            return .account(fields[4])
        case "sts" where named(resource, after: "assumed-role/"):
            return .account(fields[4])
        default:
            return nil
        }
    }

    private static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func named(_ resource: String, after kind: String) -> Bool {
        resource.hasPrefix(kind) && resource.count > kind.count && !resource.hasSuffix("/")
    }
}
