/// An HTTP request as it arrived on the wire (server side) or as it is about to be sent (client side).
///
/// Nothing is decoded or normalised: SigV4 canonicalisation works on the raw wire form.
public struct SigV4Request: Sendable {
    /// HTTP method, e.g. `"PUT"`.
    public var method: String
    /// Raw path as sent, still percent-encoded, e.g. `"/-/vaults/my%20vault"`.
    public var path: String
    /// Raw query string without the leading `"?"`; `""` if there is none.
    public var query: String
    /// All headers as received, in order; names in any case; repeated names allowed.
    public var headers: [(name: String, value: String)]

    /// Creates a request from its raw wire parts.
    public init(method: String, path: String, query: String, headers: [(name: String, value: String)]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    /// All values of the header `name` (compared case-insensitively), in arrival order.
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The first value of the header `name` (compared case-insensitively), or nil.
    public func headerValue(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
