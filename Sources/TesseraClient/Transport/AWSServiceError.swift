import Foundation

/// An error answer from a service: its HTTP status and the code and message of its body, in whichever of
/// the AWS error formats the service uses (Glacier's `{"code","message","type"}`, the REST-JSON
/// `{"message"}` with `x-amzn-ErrorType`, JSON 1.1's `__type`, EC2's XML `<Errors><Error>`), or a container
/// registry's `{"errors":[{"code","message"}]}`.
public struct AWSServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String
    public let requestID: String?

    public init(status: Int, code: String, message: String, requestID: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    /// Reads the error from a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value
        }
        var code = header("x-amzn-errortype").map { String($0.split(separator: ":").first ?? "") }
        var message: String?
        if var object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] {
            if let first = (object["errors"] as? [[String: Any]])?.first { object = first }
            let typed = (object["code"] ?? object["Code"] ?? object["__type"]) as? String
            if code == nil || code == "" { code = typed.map { String($0.split(separator: "#").last ?? "") } }
            message = (object["message"] ?? object["Message"]) as? String
        } else if let text = String(bytes: body, encoding: .utf8), text.contains("<Code>") {
            code = code ?? Self.element("Code", in: text)
            message = Self.element("Message", in: text)
        }
        self.status = status
        self.code = (code?.isEmpty == false ? code : nil) ?? "HTTP\(status)"
        self.message = message ?? HTTPStatusText.text(for: status)
        self.requestID = header("x-amzn-requestid") ?? header("x-amz-request-id")
    }

    /// Throttling and server-side failures are worth another try; everything else is the caller's to fix.
    public var isRetryable: Bool {
        if status >= 500 || status == 429 { return true }
        return Self.throttlingCodes.contains(code)
    }

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", "ServiceUnavailable",
        "ServiceUnavailableException", "InternalError", "InternalServerError", "RequestTimeout",
        "RequestTimeoutException",
    ]

    public var description: String { "\(code): \(message)" }

    /// The text of the first `<name>…</name>` in an XML answer (EC2's are flat enough for this).
    static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"),
              let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}

enum HTTPStatusText {
    static func text(for status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 416: "Range Not Satisfiable"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "HTTP status \(status)"
        }
    }
}
