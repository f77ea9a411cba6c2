import Synchronization
import TesseraStorage

/// Bounds the wait for a pooled connection: `body` gets `markLeased` to call once it holds one; if that has
/// not happened within `seconds`, the wait is cancelled and ``StorageError/backend(_:)`` thrown, so a request
/// never hangs on a database that is down (the pool meanwhile keeps trying to reconnect). Once leased,
/// `body` runs to its end, however long that takes.
enum LeaseDeadline {
    static func run<T: Sendable>(seconds: Int, describing target: String,
                                 _ body: @escaping @Sendable (_ markLeased: @escaping @Sendable () -> Void) async throws -> T) async throws -> T {
        let leased = LeaseFlag()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body { leased.set() } }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                if leased.isSet { return nil }
                throw StorageError.backend("no connection to PostgreSQL at \(target) within \(seconds) s")
            }
            defer { group.cancelAll() }
            while let outcome = try await group.next() {
                if let value = outcome { return value }
            }
            throw StorageError.backend("PostgreSQL request ended without an answer")
        }
    }
}

/// Whether the connection has been leased, shared by the request and its timer.
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
