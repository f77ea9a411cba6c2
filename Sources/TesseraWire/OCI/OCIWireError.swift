import Foundation

/// An OCI distribution API error as it travels: a status and `{"errors":[{"code","message","detail"}]}`
/// (distribution spec 1.1, "Error Codes"). `headers` carry what some errors need (`Range` with a 416,
/// `WWW-Authenticate` with a 401).
public struct OCIWireError: Error, Sendable, Equatable {
    /// The spec's error codes, with the status each is sent with; `TAG_INVALID` and `UNKNOWN` are the
    /// reference registry's (distribution) additions that docker knows.
    public enum Code: String, Sendable {
        case blobUnknown = "BLOB_UNKNOWN"
        case blobUploadInvalid = "BLOB_UPLOAD_INVALID"
        case blobUploadUnknown = "BLOB_UPLOAD_UNKNOWN"
        case digestInvalid = "DIGEST_INVALID"
        case manifestBlobUnknown = "MANIFEST_BLOB_UNKNOWN"
        case manifestInvalid = "MANIFEST_INVALID"
        case manifestUnknown = "MANIFEST_UNKNOWN"
        case nameInvalid = "NAME_INVALID"
        case nameUnknown = "NAME_UNKNOWN"
        case sizeInvalid = "SIZE_INVALID"
        case unauthorized = "UNAUTHORIZED"
        case denied = "DENIED"
        case unsupported = "UNSUPPORTED"
        case tooManyRequests = "TOOMANYREQUESTS"
        case tagInvalid = "TAG_INVALID"
        case unknown = "UNKNOWN"

        public var status: Int {
            switch self {
            case .blobUnknown, .blobUploadUnknown, .manifestUnknown, .nameUnknown: 404
            case .unauthorized: 401
            case .denied: 403
            case .unsupported: 405
            case .tooManyRequests: 429
            case .unknown: 500
            default: 400
            }
        }
    }

    public let code: Code
    public let message: String
    public let status: Int
    public let headers: [String: String]

    public init(_ code: Code, _ message: String, status: Int? = nil, headers: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.status = status ?? code.status
        self.headers = headers
    }

    /// The JSON body.
    public var body: [UInt8] {
        let document: [String: Any] = ["errors": [["code": code.rawValue, "message": message, "detail": [String: String]()]]]
        return Array((try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }
}
