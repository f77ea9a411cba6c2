import SQLKit
import Synchronization
import TesseraStorage

/// Group commit for a database with one writer: transactions that arrive while one is being written
/// wait, then run together in one BEGIN … COMMIT, each inside its own SAVEPOINT, so one fsync
/// acknowledges all of them. A transaction whose body throws is rolled back to its savepoint alone; the
/// others commit. Nobody is answered before the COMMIT that holds their writes has returned.
final class GroupCommit: Sendable {
    /// One queued transaction: `run` executes the body and keeps its outcome; `deliver` answers the
    /// caller once the batch is committed (or with the error that stopped the batch).
    struct Item: Sendable {
        let run: @Sendable (any SQLDatabase) async -> Bool
        let deliver: @Sendable ((any Error)?) -> Void
    }

    private struct Queue {
        var items: [Item] = []
        var draining = false
    }

    /// The most transactions one COMMIT carries.
    static let maxBatch = 128

    private let queue = Mutex(Queue())
    private let executor: any TaskExecutor
    private let execute: @Sendable ([Item]) async -> Void

    /// - Parameters:
    ///   - executor: where the task that drains the queue runs (the writer connection's own thread).
    ///   - execute: runs one batch on the database and delivers every item's answer.
    init(executor: any TaskExecutor, execute: @escaping @Sendable ([Item]) async -> Void) {
        self.executor = executor
        self.execute = execute
    }

    /// Queues a transaction; the first caller to find no batch running becomes the one that drains the queue.
    func enqueue(_ item: Item) {
        let startDraining = queue.withLock { queue -> Bool in
            queue.items.append(item)
            guard !queue.draining else { return false }
            queue.draining = true
            return true
        }
        if startDraining {
            Task(executorPreference: executor) { await self.drain() }
        }
    }

    private func drain() async {
        while true {
            let batch = queue.withLock { queue -> [Item] in
                let taken = Array(queue.items.prefix(Self.maxBatch))
                queue.items.removeFirst(taken.count)
                if taken.isEmpty { queue.draining = false }
                return taken
            }
            if batch.isEmpty { return }
            await execute(batch)
        }
    }
}

/// Holds one transaction's outcome between its run and the batch's commit.
final class TransactionOutcome<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)

    func set(_ result: Result<T, any Error>) {
        value.withLock { $0 = result }
    }

    var result: Result<T, any Error>? {
        value.withLock { $0 }
    }
}
