import Hummingbird

/// The AWS (or OCI) operation a request is, by the route it matched: what the request metrics and the log's
/// `operation` field call it. JSON 1.1 requests name themselves (`X-Amz-Target`), EC2's form names its
/// `Action` and the OCI door names its endpoint (both through ``TesseraFrontDoor/RequestAnnotations``);
/// the REST doors are named here, by method and route pattern.
enum OperationNames {
    /// `METHOD route` → operation, for Glacier's and the EBS direct APIs' routes, in Hummingbird's spelling of a
    /// matched route (`{name}` for a parameter).
    static let rest: [String: String] = [
        "PUT /{account}/vaults/{vault}": "CreateVault",
        "GET /{account}/vaults/{vault}": "DescribeVault",
        "GET /{account}/vaults": "ListVaults",
        "DELETE /{account}/vaults/{vault}": "DeleteVault",
        "POST /{account}/vaults/{vault}/jobs": "InitiateJob",
        "GET /{account}/vaults/{vault}/jobs/{job}": "DescribeJob",
        "GET /{account}/vaults/{vault}/jobs": "ListJobs",
        "GET /{account}/vaults/{vault}/jobs/{job}/output": "GetJobOutput",
        "POST /{account}/vaults/{vault}/multipart-uploads": "InitiateMultipartUpload",
        "PUT /{account}/vaults/{vault}/multipart-uploads/{upload}": "UploadMultipartPart",
        "POST /{account}/vaults/{vault}/multipart-uploads/{upload}": "CompleteMultipartUpload",
        "DELETE /{account}/vaults/{vault}/multipart-uploads/{upload}": "AbortMultipartUpload",
        "GET /{account}/vaults/{vault}/multipart-uploads/{upload}": "ListParts",
        "GET /{account}/vaults/{vault}/multipart-uploads": "ListMultipartUploads",
        "GET /{account}/policies/data-retrieval": "GetDataRetrievalPolicy",
        "PUT /{account}/policies/data-retrieval": "SetDataRetrievalPolicy",
        "POST /{account}/provisioned-capacity": "PurchaseProvisionedCapacity",
        "GET /{account}/provisioned-capacity": "ListProvisionedCapacity",
        "POST /{account}/vaults/{vault}/archives": "UploadArchive",
        "DELETE /{account}/vaults/{vault}/archives/{archive}": "DeleteArchive",
        "GET /{account}/vaults/{vault}/tags": "ListTagsForVault",
        "PUT /{account}/vaults/{vault}/access-policy": "SetVaultAccessPolicy",
        "GET /{account}/vaults/{vault}/access-policy": "GetVaultAccessPolicy",
        "DELETE /{account}/vaults/{vault}/access-policy": "DeleteVaultAccessPolicy",
        "PUT /{account}/vaults/{vault}/notification-configuration": "SetVaultNotifications",
        "GET /{account}/vaults/{vault}/notification-configuration": "GetVaultNotifications",
        "DELETE /{account}/vaults/{vault}/notification-configuration": "DeleteVaultNotifications",
        "POST /{account}/vaults/{vault}/lock-policy": "InitiateVaultLock",
        "POST /{account}/vaults/{vault}/lock-policy/{lock}": "CompleteVaultLock",
        "DELETE /{account}/vaults/{vault}/lock-policy": "AbortVaultLock",
        "GET /{account}/vaults/{vault}/lock-policy": "GetVaultLock",
        "POST /snapshots": "StartSnapshot",
        "PUT /snapshots/{snapshot}/blocks/{index}": "PutSnapshotBlock",
        "POST /snapshots/completion/{snapshot}": "CompleteSnapshot",
        "GET /snapshots/{snapshot}/blocks": "ListSnapshotBlocks",
        "GET /snapshots/{snapshot}/blocks/{index}": "GetSnapshotBlock",
        "GET /snapshots/{snapshot}/changedblocks": "ListChangedBlocks",
        "GET /ecr-layers/{repository}/{digest}": "DownloadLayer",
        "GET /health": "Health",
        "GET /metrics": "Metrics",
        "POST /admin/gc": "CollectGarbage",
    ]

    /// The operation of an answered request; `unknown` for a path no route took.
    static func of(_ request: Request, route: String?, annotated: String?) -> String {
        if let annotated { return annotated }
        if let target = request.headers[FrontDoorDialect.amzTarget], let name = target.split(separator: ".").last {
            return String(name)
        }
        guard let route else { return "unknown" }
        // Glacier's AddTagsToVault and RemoveTagsFromVault share a route and differ by `?operation=`.
        if route == "/{account}/vaults/{vault}/tags", request.method == .post {
            return request.uri.queryParameters.get("operation") == "remove" ? "RemoveTagsFromVault" : "AddTagsToVault"
        }
        return rest["\(request.method.rawValue) \(route)"] ?? "unknown"
    }

    /// The service label: the door's dialect (`glacier`, `ebs`, `ec2`, `ecr`, `ecr-public`, `oci`), `server`
    /// for `/health` and `/metrics`.
    static func service(of request: Request) -> String {
        let path = request.uri.path
        if path == "/health" || path == "/metrics" { return "server" }
        if path.hasPrefix("/ecr-layers/") { return "ecr" }
        let dialect = FrontDoorDialect.of(request)
        if dialect.name == "ecr", let names = dialect.signingNames(request).first { return names }
        return dialect.name
    }
}
