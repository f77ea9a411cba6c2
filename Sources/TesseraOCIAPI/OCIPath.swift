import HTTPTypes
/// What a `/v2/…` path names (distribution spec 1.1, "Endpoints"). Repository names may contain `/`, so the
/// path is read from its end: the last `manifests`, `blobs`, `tags/list` or `referrers` marker splits it.
enum OCIPath: Equatable {
    case base
    case catalog
    case tags(name: String)
    case manifest(name: String, reference: String)
    case blob(name: String, digest: String)
    case uploads(name: String)
    case upload(name: String, id: String)
    case referrers(name: String, digest: String)

    init?(_ path: String) {
        guard path == "/v2" || path.hasPrefix("/v2/") else { return nil }
        let rest = path.dropFirst(3).drop { $0 == "/" }
        if rest.isEmpty { self = .base; return }
        if rest == "_catalog" { self = .catalog; return }
        var parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        func name(dropping count: Int) -> String? {
            let head = parts.dropLast(count)
            return head.isEmpty || head.contains("") ? nil : head.joined(separator: "/")
        }
        let count = parts.count
        if count >= 3, parts[count - 2] == "tags", parts[count - 1] == "list", let name = name(dropping: 2) {
            self = .tags(name: name)
        } else if count >= 4, parts[count - 3] == "blobs", parts[count - 2] == "uploads", let name = name(dropping: 3) {
            self = .upload(name: name, id: parts[count - 1])
        } else if count >= 3, parts[count - 2] == "blobs", parts[count - 1] == "uploads", let name = name(dropping: 2) {
            self = .uploads(name: name)
        } else if count >= 3, parts[count - 2] == "manifests", let name = name(dropping: 2) {
            self = .manifest(name: name, reference: parts[count - 1])
        } else if count >= 3, parts[count - 2] == "blobs", let name = name(dropping: 2) {
            self = .blob(name: name, digest: parts[count - 1])
        } else if count >= 3, parts[count - 2] == "referrers", let name = name(dropping: 2) {
            self = .referrers(name: name, digest: parts[count - 1])
        } else {
            return nil
        }
    }
}

extension OCIPath {
    /// The repository name the path carries, if any.
    var name: String? {
        switch self {
        case .base, .catalog: nil
        case .tags(let name), .manifest(let name, _), .blob(let name, _), .uploads(let name), .upload(let name, _),
             .referrers(let name, _): name
        }
    }

    /// The endpoint's name for metrics and logs (the distribution spec names endpoints by number; these say
    /// what each does).
    func operation(_ method: HTTPRequest.Method) -> String {
        switch (method, self) {
        case (_, .base): "CheckAPIVersion"
        case (_, .catalog): "ListCatalog"
        case (_, .tags): "ListTags"
        case (.head, .manifest): "HeadManifest"
        case (.put, .manifest): "PutManifest"
        case (.delete, .manifest): "DeleteManifest"
        case (_, .manifest): "GetManifest"
        case (.head, .blob): "HeadBlob"
        case (.delete, .blob): "DeleteBlob"
        case (_, .blob): "GetBlob"
        case (_, .uploads): "StartBlobUpload"
        case (.patch, .upload): "PatchBlobUpload"
        case (.put, .upload): "FinishBlobUpload"
        case (.delete, .upload): "CancelBlobUpload"
        case (_, .upload): "GetBlobUploadStatus"
        case (_, .referrers): "ListReferrers"
        }
    }
}
