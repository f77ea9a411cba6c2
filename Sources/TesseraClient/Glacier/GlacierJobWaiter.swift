import TesseraWire

/// Polls DescribeJob until a job completes: first after `initialInterval`, then twice as long each time up to
/// `maximumInterval` (quick against a test server, gentle on AWS, where retrievals take hours).
public struct GlacierJobWaiter: Sendable {
    public let glacier: GlacierClient
    public let initialInterval: Duration
    public let maximumInterval: Duration

    public init(glacier: GlacierClient, initialInterval: Duration = .milliseconds(500),
                maximumInterval: Duration = .seconds(60)) {
        self.glacier = glacier
        self.initialInterval = initialInterval
        self.maximumInterval = maximumInterval
    }

    /// The job once it has completed; throws ``GlacierJobError/failed`` when it did not succeed.
    public func waitForCompletion(vault: String, jobID: String, progress: TransferProgressReporter?) async throws
        -> GlacierJobDescription {
        var interval = initialInterval
        var reported = false
        while true {
            let job = try await glacier.describeJob(vault: vault, jobID: jobID)
            if job.Completed {
                guard job.StatusCode == "Succeeded" else {
                    throw GlacierJobError.failed(jobID: jobID, status: job.StatusCode, message: job.StatusMessage)
                }
                return job
            }
            if !reported {
                progress?.status("waiting for job \(jobID) (\(job.Action), \(job.StatusCode))")
                reported = true
            }
            try await Task.sleep(for: interval)
            interval = min(interval * 2, maximumInterval)
        }
    }
}

public enum GlacierJobError: Error, Sendable, CustomStringConvertible {
    case failed(jobID: String, status: String, message: String?)
    case treeHashMismatch(expected: String, computed: String)
    case sizeUnknown(jobID: String)

    public var description: String {
        switch self {
        case .failed(let job, let status, let message):
            "job \(job) ended \(status)" + (message.map { ": \($0)" } ?? "")
        case .treeHashMismatch(let expected, let computed):
            "the downloaded archive's tree hash is \(computed), the service says \(expected): the partial file is kept; rerun to fetch it again"
        case .sizeUnknown(let job): "job \(job) does not say the archive's size"
        }
    }
}
