import TesseraClient

/// Polls DescribeSnapshots until a snapshot leaves `pending`: every 2 s, then up to every 30 s.
struct EBSSnapshotWaiter {
    let ec2: EC2SnapshotClient

    func waitForCompletion(_ snapshotID: String) async throws -> String {
        var interval: Duration = .milliseconds(250)
        while true {
            let state = try await ec2.describeSnapshot(snapshotID)
            switch state.status {
            case "completed": return state.status
            case "pending": break
            default: throw EBSTransferError.snapshotNotCompleted(snapshotID, status: state.status, message: state.stateMessage)
            }
            try await Task.sleep(for: interval)
            interval = min(interval * 2, .seconds(30))
        }
    }
}
