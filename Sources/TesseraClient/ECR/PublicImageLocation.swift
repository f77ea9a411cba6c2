import Foundation

/// Where a public image reference points, as docker reads one: a first path component with a `.` or a `:`,
/// or `localhost`, is the registry's host; without one the registry is public.ecr.aws. The registry is
/// spoken to over https, except on a loopback host (tessera serve on this machine), over http.
public enum PublicImageLocation {
    public static let defaultHost = "public.ecr.aws"

    /// (`scheme://host[:port]`, the repository's name under `/v2/`), or nil when no name is left.
    public static func split(_ repository: String) -> (registry: URL, name: String)? {
        var host = defaultHost
        var name = Substring(repository)
        if let slash = repository.firstIndex(of: "/") {
            let first = repository[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" {
                host = String(first)
                name = repository[repository.index(after: slash)...]
            }
        }
        let scheme = isLoopback(host) ? "http" : "https"
        guard !name.isEmpty, !name.hasPrefix("/"), let url = URL(string: "\(scheme)://\(host)") else { return nil }
        return (url, String(name))
    }

    /// Whether `host` (with or without a port) names this machine: `localhost`, `127.*` or `[::1]`.
    public static func isLoopback(_ host: String) -> Bool {
        var name = host
        if name.hasPrefix("["), let close = name.firstIndex(of: "]") {
            name = String(name[name.index(after: name.startIndex)..<close])
        } else if let colon = name.lastIndex(of: ":") {
            name = String(name[..<colon])
        }
        return name == "localhost" || name == "::1" || name.hasPrefix("127.")
    }
}
