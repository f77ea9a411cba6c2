/// Who signed a verified request, and the credential scope they signed for.
public struct SigV4Identity: Sendable, Equatable {
    /// The access key id from the credential scope.
    public var accessKey: String
    /// The region from the credential scope (any region is accepted; the caller decides).
    public var region: String
    /// The signing service from the credential scope, e.g. `glacier`, `ecr` (the caller checks it).
    public var service: String
    /// `YYYYMMDD` date of the credential scope.
    public var date: String

    /// Creates an identity.
    public init(accessKey: String, region: String, service: String, date: String) {
        self.accessKey = accessKey
        self.region = region
        self.service = service
        self.date = date
    }
}
