import Foundation

/// The one check Glacier's policy documents get here (vault access policies and vault lock policies): a JSON
/// object with a `Statement`, as the IAM policy grammar requires. What the statements say is kept as sent and
/// not enforced (docs/aws/glacier.md#policies); a document that is not a policy at all is refused, as AWS does,
/// instead of being stored and handed back later.
enum VaultPolicyCheck {
    static func validate(_ policy: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any] else {
            throw EngineError.invalidParameter("Policy document is not a JSON object")
        }
        guard let statement = object["Statement"], statement is [Any] || statement is [String: Any] else {
            throw EngineError.invalidParameter("Policy document has no Statement")
        }
    }
}
