/// Who sent a request, as its verified signature says.
public struct Caller: Sendable, Equatable {
    /// The 12-digit account that owns the access key.
    public var accountID: String
    public var accessKey: String
    /// The region of the credential scope; it appears in ARNs.
    public var region: String

    public init(accountID: String, accessKey: String, region: String) {
        self.accountID = accountID
        self.accessKey = accessKey
        self.region = region
    }
}
