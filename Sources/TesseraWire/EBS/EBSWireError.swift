import Foundation

/// An EBS direct API error as it travels (docs/aws/ebs.md#errors): the status, the `x-amzn-ErrorType`
/// header naming the code, and a JSON body — `{"Message","Reason"}` for the service's own errors,
/// `{"message"}` for framework validation and signature failures.
public struct EBSWireError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case validation = "ValidationException"
        case accessDenied = "AccessDeniedException"
        case resourceNotFound = "ResourceNotFoundException"
        case conflict = "ConflictException"
        case requestThrottled = "RequestThrottledException"
        case serviceQuotaExceeded = "ServiceQuotaExceededException"
        case internalServer = "InternalServerException"
        case invalidSignature = "InvalidSignatureException"
        case unrecognizedClient = "UnrecognizedClientException"
        case missingAuthenticationToken = "MissingAuthenticationTokenException"
        case incompleteSignature = "IncompleteSignatureException"
        /// No operation has this method and path.
        case unknownOperation = "UnknownOperationException"

        public var status: Int {
            switch self {
            case .validation, .requestThrottled, .incompleteSignature: 400
            case .accessDenied, .invalidSignature, .unrecognizedClient, .missingAuthenticationToken: 403
            case .resourceNotFound, .unknownOperation: 404
            case .conflict: 409
            case .serviceQuotaExceeded: 402
            case .internalServer: 500
            }
        }
    }

    /// Which of EBS's error namespaces the `x-amzn-ErrorType` names, and so which body shape it carries.
    public enum Origin: String, Sendable {
        /// The service itself: `{"Message","Reason"}`.
        case service = "com.amazon.zeppelindataservice"
        /// The request framework's member validation: `{"message"}`.
        case validation = "com.amazon.coral.validate"
        /// The signature and authentication layer: `{"message"}`.
        case authentication = "com.amazon.coral.service"
    }

    public let code: Code
    public let message: String
    public let reason: String?
    public let origin: Origin

    public init(_ code: Code, _ message: String, reason: String? = nil, origin: Origin = .service) {
        self.code = code
        self.message = message
        self.reason = reason
        self.origin = origin
    }

    public var status: Int { code.status }

    /// The `x-amzn-ErrorType` value.
    public var errorType: String { "\(code.rawValue):http://internal.amazon.com/coral/\(origin.rawValue)/" }

    public var body: [UInt8] {
        var document: [String: String] = [:]
        switch origin {
        case .service:
            document["Message"] = message
            if let reason { document["Reason"] = reason }
        case .validation, .authentication:
            document["message"] = message
        }
        return Array((try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }
}
