import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraCore
import TesseraEngine
import TesseraFrontDoor
import TesseraStorage
import TesseraWire

/// EC2's DescribeSnapshots and DeleteSnapshot (EC2 Query protocol, XML) for the snapshots this server
/// holds: clients poll DescribeSnapshots until `completed`, and need a way to delete.
public struct EC2SnapshotAPI: Sendable {
    let service: SnapshotService

    public init(service: SnapshotService) {
        self.service = service
    }

    /// Answers one EC2 Query request (`POST /` with a form body).
    public func respond(to request: Request, context: TesseraRequestContext) async -> Response {
        do {
            guard let caller = context.caller else { throw EC2Failure("AuthFailure", "Missing Authentication Token", status: .unauthorized) }
            let form: EC2QueryRequest
            switch try await request.collectVerifiedBody(context: context) {
            case .bytes(let buffer): form = EC2QueryRequest(formEncoded: String(buffer: buffer))
            case .tooLarge: throw EC2Failure("InvalidParameterValue", "The request body is too large")
            case .incomplete: throw EC2Failure("IncompleteSignature", "The request body ended before its Content-Length")
            case .hashMismatch: throw EC2Failure("AuthFailure", "The request body does not match its signed hash", status: .unauthorized)
            }
            if let action = form["Action"], ["DescribeSnapshots", "DeleteSnapshot"].contains(action) {
                context.annotations.operation = action
            }
            switch form["Action"] {
            case "DescribeSnapshots": return try await describeSnapshots(form, caller, context)
            case "DeleteSnapshot": return try await deleteSnapshot(form, caller, context)
            case let action?: throw EC2Failure("InvalidAction", "The action \(action) is not valid for this web service.")
            case nil: throw EC2Failure("MissingAction", "The request must contain the parameter Action")
            }
        } catch let failure as EC2Failure {
            return Self.error(failure, context: context)
        } catch let error as SnapshotError {
            return Self.error(EC2Failure(error), context: context)
        } catch {
            context.logger.error("unexpected failure", metadata: ["tessera.error": .string(String(describing: error))])
            return Self.error(EC2Failure("InternalError", "An internal error has occurred", status: .internalServerError), context: context)
        }
    }

    func describeSnapshots(_ form: EC2QueryRequest, _ caller: Caller, _ context: TesseraRequestContext) async throws -> Response {
        let page = try await service.describeSnapshots(
            accountID: caller.accountID, region: caller.region, snapshotIDs: form.list("SnapshotId"), owners: form.list("Owner"),
            filters: form.filters().map { SnapshotFilter(name: $0.name, values: $0.values) },
            maxResults: form["MaxResults"], nextToken: form["NextToken"])
        let items = page.snapshots.map(Self.item).joined()
        let body = "<snapshotSet>\(items)</snapshotSet>" + EC2XML.element("nextToken", page.nextToken)
        return Self.xml(EC2XML.response(action: "DescribeSnapshots", requestID: context.requestID, body: body))
    }

    func deleteSnapshot(_ form: EC2QueryRequest, _ caller: Caller, _ context: TesseraRequestContext) async throws -> Response {
        guard let id = form["SnapshotId"], !id.isEmpty else {
            throw EC2Failure("MissingParameter", "The request must contain the parameter SnapshotId")
        }
        try await service.deleteSnapshot(accountID: caller.accountID, region: caller.region, snapshotID: id)
        return Self.xml(EC2XML.response(action: "DeleteSnapshot", requestID: context.requestID, body: "<return>true</return>"))
    }

    static func item(_ snapshot: SnapshotRecord) -> String {
        let tags = SnapshotService.tags(of: snapshot).map { "<item>" + EC2XML.element("key", $0.Key) + EC2XML.element("value", $0.Value) + "</item>" }
        return "<item>" + EC2XML.element("snapshotId", snapshot.id) + EC2XML.element("volumeId", "vol-ffffffff")
            + EC2XML.element("status", snapshot.status.rawValue) + EC2XML.element("statusMessage", snapshot.statusMessage)
            + EC2XML.element("startTime", ISO8601Timestamp.format(snapshot.startTime))
            + EC2XML.element("progress", snapshot.status == .completed ? "100%" : "0%")
            + EC2XML.element("ownerId", snapshot.accountID) + EC2XML.element("volumeSize", String(snapshot.volumeSize))
            + EC2XML.element("description", snapshot.description ?? "") + EC2XML.element("encrypted", String(snapshot.encrypted))
            + EC2XML.element("kmsKeyId", snapshot.kmsKeyARN) + EC2XML.element("storageTier", "standard")
            + (tags.isEmpty ? "" : "<tagSet>\(tags.joined())</tagSet>") + "</item>"
    }

    static func xml(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/xml;charset=UTF-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ failure: EC2Failure, context: TesseraRequestContext) -> Response {
        error(code: failure.code, message: failure.message, status: failure.status, requestID: context.requestID)
    }

    /// An EC2 error response; also for requests refused before they reach this API (signature, routing).
    public static func error(code: String, message: String, status: HTTPResponse.Status, requestID: String) -> Response {
        xml(EC2XML.error(code: code, message: message, requestID: requestID), status: status)
    }
}

/// An EC2 error: a code such as `InvalidSnapshot.NotFound`, a message and a status.
struct EC2Failure: Error {
    let code: String
    let message: String
    let status: HTTPResponse.Status

    init(_ code: String, _ message: String, status: HTTPResponse.Status = .badRequest) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// EC2's names for the snapshot service's refusals.
    init(_ error: SnapshotError) {
        switch error {
        case .snapshotNotFound(let message): self.init("InvalidSnapshot.NotFound", message)
        case .validation(.invalidPageToken, let message): self.init("InvalidNextToken", message)
        case .validation(_, let message), .constraint(let message): self.init("InvalidParameterValue", message)
        case .conflict(let message): self.init("IdempotentParameterMismatch", message)
        case .checksumMismatch(let computed, let expected):
            self.init("InvalidParameterValue", "Checksum mismatch: computed \(computed), expected \(expected)")
        case .storageFailure: self.init("InternalError", "An internal error has occurred", status: .internalServerError)
        case .outOfSpace: self.init("InternalError", OutOfSpaceAnswer.message, status: .internalServerError)
        }
    }
}
