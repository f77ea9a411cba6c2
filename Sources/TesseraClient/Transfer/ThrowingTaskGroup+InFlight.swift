/// The one loop every transfer runs: at most `limit` parts, blocks or blobs in flight, each finished one
/// handed to `settle` (recorded in the journal, counted) on the task that owns the group.
extension ThrowingTaskGroup where Failure == any Error {
    /// Returns once fewer than `limit` tasks run: when `running` has reached it, waits for one to finish and
    /// settles it. The caller adds its next task afterwards and counts it in `running`, so that what the task
    /// needs (a part read into memory) is made only once there is room for it.
    mutating func makeRoom(running: inout Int, limit: Int,
                           settle: (ChildTaskResult) throws -> Void = { _ in }) async throws {
        guard running >= limit, let done = try await next() else { return }
        running -= 1
        try settle(done)
    }

    /// Waits for every task still running, settling each.
    mutating func settleRemaining(_ settle: (ChildTaskResult) throws -> Void = { _ in }) async throws {
        while let done = try await next() { try settle(done) }
    }
}
