import Hummingbird
import HTTPTypes
import TesseraEBSAPI
import TesseraECRAPI
import TesseraFrontDoor
import TesseraGlacierAPI
import TesseraOCIAPI
import TesseraSigV4
import TesseraWire

extension FrontDoorDialect {
    /// The OCI distribution API: `/v2` and below, authenticated by the door itself (HTTP Basic registry passwords).
    static let oci: FrontDoorDialect = {
        var dialect = FrontDoorDialect(
            name: "oci",
            claims: { $0.uri.path == "/v2" || $0.uri.path.hasPrefix("/v2/") },
            authFailure: { error, _, _ in OCIAPI.error(status: 401, code: "UNAUTHORIZED", message: error.message) },
            unknownOperation: { request, _ in
                OCIAPI.error(status: 404, code: "UNSUPPORTED", message: "no endpoint of the OCI distribution API matches \(request.uri.path)")
            },
            verifiesBodyAsItStreams: { _ in false })
        dialect.signedWithSigV4 = false
        dialect.storesData = { request in
            let path = request.uri.path
            switch request.method {
            case .post, .patch: return path.contains("/blobs/uploads")
            case .put: return path.contains("/blobs/uploads") || path.contains("/manifests/")
            default: return false
            }
        }
        dialect.outOfSpace = { _, _ in OCIAPI.error(status: 503, code: "UNKNOWN", message: OutOfSpaceAnswer.message) }
        return dialect
    }()

    /// ECR and ECR Public (and any other JSON 1.1 target): `POST /` with `X-Amz-Target`.
    static let ecr = FrontDoorDialect(
        name: "ecr",
        claims: { $0.method == .post && $0.uri.path == "/" && $0.headers[amzTarget] != nil },
        authFailure: { error, _, _ in ECRAPI.error(code: jsonAuthErrorCode(error), message: error.message) },
        unknownOperation: { request, _ in
            ECRAPI.error(code: "UnknownOperationException", message: "The operation \(request.headers[amzTarget] ?? "") is not known to this server")
        },
        verifiesBodyAsItStreams: { ECRAPI.streamsBody(target: $0.headers[amzTarget] ?? "") },
        signingNames: { request in
            switch ECRAPI.target(request.headers[amzTarget] ?? "")?.0 {
            case .private?: ["ecr"]
            case .public?: ["ecr-public"]
            case nil: []
            }
        },
        storesData: { request in
            let operation = request.headers[amzTarget]?.split(separator: ".").last ?? ""
            return ["InitiateLayerUpload", "UploadLayerPart", "PutImage"].contains(operation)
        },
        outOfSpace: { _, _ in ECRAPI.error(code: "ServerException", message: OutOfSpaceAnswer.message) })

    /// EC2's Query protocol: `POST /` with a form body.
    static let ec2 = FrontDoorDialect(
        name: "ec2",
        claims: { $0.uri.path == "/" },
        authFailure: { error, _, requestID in AuthErrorResponse.ec2Error(error, requestID: requestID) },
        unknownOperation: { request, requestID in
            EC2SnapshotAPI.error(code: "InvalidAction", message: "No operation matches \(request.method.rawValue) \(request.uri.path).",
                                 status: .badRequest, requestID: requestID)
        },
        verifiesBodyAsItStreams: { _ in false },
        signingNames: { _ in ["ec2"] })

    /// The EBS direct APIs: `/snapshots…`.
    static let ebs = FrontDoorDialect(
        name: "ebs",
        claims: { $0.uri.path.hasPrefix("/snapshots") },
        authFailure: { error, _, _ in EBSResponse.error(AuthErrorResponse.ebsError(error)) },
        unknownOperation: { request, _ in
            EBSResponse.error(EBSWireError(.unknownOperation, "No operation matches \(request.method.rawValue) \(request.uri.path).",
                                           origin: .authentication))
        },
        verifiesBodyAsItStreams: { _ in false },
        signingNames: { _ in ["ebs"] },
        storesData: { request in
            // StartSnapshot (POST /snapshots) and PutSnapshotBlock (PUT /snapshots/ID/blocks/INDEX).
            (request.method == .post && request.uri.path == "/snapshots") || (request.method == .put && request.uri.path.contains("/blocks/"))
        },
        outOfSpace: { _, _ in EBSResponse.error(EBSWireError(.internalServer, OutOfSpaceAnswer.message)) })

    /// Glacier: every other path.
    static let glacier = FrontDoorDialect(
        name: "glacier",
        claims: { _ in true },
        authFailure: { error, _, _ in GlacierResponse.error(AuthErrorResponse.glacierError(error)) },
        unknownOperation: { request, _ in
            GlacierResponse.error(GlacierWireError(.unknownOperation, "No operation matches \(request.method.rawValue) \(request.uri.path)."))
        },
        verifiesBodyAsItStreams: { _ in false },
        signingNames: { _ in ["glacier"] },
        storesData: { request in
            // `/ACCOUNT/vaults/VAULT/archives` (UploadArchive), `…/multipart-uploads` (InitiateMultipartUpload) and
            // `…/multipart-uploads/ID` (UploadMultipartPart).
            let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count >= 5, parts[2] == "vaults" else { return false }
            switch (request.method, parts.count, parts[4]) {
            case (.post, 5, "archives"), (.post, 5, "multipart-uploads"), (.put, 6, "multipart-uploads"): return true
            default: return false
            }
        },
        outOfSpace: { _, _ in GlacierResponse.error(GlacierWireError(.serviceUnavailable, OutOfSpaceAnswer.message)) })

    /// Tessera's own operations (`/admin/…`, docs/operating.md#disk-space), signed with SigV4 for the service
    /// name `tessera` by any account in the credentials file; errors in the JSON 1.1 shape the SDKs read.
    static let admin = FrontDoorDialect(
        name: "admin",
        claims: { $0.uri.path.hasPrefix("/admin/") },
        authFailure: { error, _, _ in AdminAPI.error(status: .forbidden, code: jsonAuthErrorCode(error), message: error.message) },
        unknownOperation: { request, _ in
            AdminAPI.error(status: .notFound, code: "UnknownOperationException", message: "No operation matches \(request.method.rawValue) \(request.uri.path).")
        },
        verifiesBodyAsItStreams: { _ in false },
        signingNames: { _ in ["tessera"] })

    static let amzTarget = HTTPField.Name("X-Amz-Target")!

    /// The JSON 1.1 protocols' code for a refused signature (ECR, ECR Public, Tessera's admin operations).
    static func jsonAuthErrorCode(_ error: SigV4Error) -> String {
        switch error {
        case .missingAuthenticationToken: "MissingAuthenticationTokenException"
        case .incompleteSignature, .unsupportedAlgorithm: "IncompleteSignatureException"
        case .unrecognizedClient: "UnrecognizedClientException"
        case .signatureDoesNotMatch, .expired, .notYetCurrent, .presignedExpired, .wrongScope: "InvalidSignatureException"
        }
    }
}
