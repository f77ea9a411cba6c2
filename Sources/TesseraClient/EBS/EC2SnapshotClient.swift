import Foundation
import NIOCore

/// The one EC2 call the EBS commands need: DescribeSnapshots of one snapshot, for its status (Query protocol,
/// XML answer).
public struct EC2SnapshotClient: Sendable {
    public let service: AWSServiceClient

    public init(service: AWSServiceClient) {
        self.service = service
    }

    public struct SnapshotState: Sendable, Equatable {
        /// `pending`, `completed`, `error`, …
        public let status: String
        public let progress: String?
        public let stateMessage: String?
    }

    public func describeSnapshot(_ snapshotID: String) async throws -> SnapshotState {
        let request = AWSRequest.query([("Action", "DescribeSnapshots"), ("Version", "2016-11-15"), ("SnapshotId.1", snapshotID)])
        let text = String(decoding: try await service.send(request).body, as: UTF8.self)
        guard let status = AWSServiceError.element("status", in: text) else {
            throw AWSServiceError(status: 400, code: "InvalidSnapshot.NotFound",
                                  message: "The snapshot '\(snapshotID)' does not exist.")
        }
        return SnapshotState(status: status, progress: AWSServiceError.element("progress", in: text),
                             stateMessage: AWSServiceError.element("stateMessage", in: text))
    }
}
