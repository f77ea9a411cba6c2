/// Where a transfer stands, as its progress stream reports it after every part.
public struct TransferProgress: Sendable, Equatable {
    /// Bytes of the whole transfer; nil while a stream's length is unknown.
    public var totalBytes: Int64?
    /// Bytes done, including those found already done on the server (resumed) and those never sent because
    /// they are zero or unchanged.
    public var completedBytes: Int64
    /// Of `completedBytes`, those that crossed the network in this run.
    public var transferredBytes: Int64
    /// A line for a log: "resuming upload …", "waiting for job …"; nil for a plain advance.
    public var status: String?

    public init(totalBytes: Int64?, completedBytes: Int64 = 0, transferredBytes: Int64 = 0, status: String? = nil) {
        self.totalBytes = totalBytes
        self.completedBytes = completedBytes
        self.transferredBytes = transferredBytes
        self.status = status
    }
}

/// Accumulates a transfer's progress and publishes each change on an `AsyncStream`.
public final class TransferProgressReporter: Sendable {
    public let updates: AsyncStream<TransferProgress>
    private let continuation: AsyncStream<TransferProgress>.Continuation
    private let state: LockedValue<TransferProgress>

    public init(totalBytes: Int64? = nil) {
        (updates, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
        state = LockedValue(TransferProgress(totalBytes: totalBytes))
    }

    public var current: TransferProgress { state.withLock { $0 } }

    public func setTotal(_ total: Int64?) {
        publish { $0.totalBytes = total }
    }

    /// `bytes` more are done; `sent` says whether they crossed the network in this run.
    public func advance(_ bytes: Int64, sent: Bool) {
        publish {
            $0.completedBytes += bytes
            if sent { $0.transferredBytes += bytes }
        }
    }

    public func status(_ line: String) {
        publish { $0.status = line }
    }

    public func finish() { continuation.finish() }

    private func publish(_ change: (inout TransferProgress) -> Void) {
        let snapshot = state.withLock { progress -> TransferProgress in
            progress.status = nil
            change(&progress)
            return progress
        }
        continuation.yield(snapshot)
    }
}
