/// Which registry endpoint an ``OCIAPI`` serves.
///
/// ECR's registry endpoint asks for HTTP Basic credentials (`AWS:<password>`) on `/v2/`. ECR Public's,
/// public.ecr.aws, is a registry host of its own that answers with a Bearer challenge instead: its token
/// endpoint hands anyone an anonymous pull token and exchanges a password for a token. docker only pulls
/// without a login from a registry that challenges with Bearer (a Basic challenge without stored credentials
/// stops it before it sends a request), and a host has one challenge, so ECR Public's repositories get a
/// second port of their own (`tessera serve --public-registry-port`). See docs/registry.md#the-public-registry-port.
public enum OCIEndpoint: Sendable, Equatable {
    /// ECR's registry: Basic challenge, every repository the caller may reach.
    case privateRegistry
    /// ECR Public's: Bearer challenge whose realm is `SCHEME://HOST/token` (the host from the request), and
    /// only public repositories (`r<account>/NAME`).
    case publicRegistry(scheme: String)

    /// The `WWW-Authenticate` value of a 401 on this endpoint for a request that named `host`.
    func challenge(host: String?) -> String {
        switch self {
        case .privateRegistry:
            return "Basic realm=\"Tessera\""
        case .publicRegistry(let scheme):
            let host = host ?? "127.0.0.1"
            return "Bearer realm=\"\(scheme)://\(host)/token\",service=\"\(host)\""
        }
    }
}
