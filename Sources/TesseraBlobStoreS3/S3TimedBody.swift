import AsyncHTTPClient
import Foundation
import NIOCore
import TesseraStorage

/// The body of an S3 GET, handed out one piece at a time, each piece within a deadline of being asked for: a
/// store that stops sending in the middle of a body fails the read (and cancels the download) instead of
/// holding the reader for ever. Only the wait for the store counts: a piece is fetched when the reader asks for
/// it, so a slow consumer is never timed out.
///
/// The response body is read by a task of its own, which fetches one piece per request; the reader waits on a
/// continuation that the piece resumes, or the watchdog when the wait has lasted the timeout. The watchdog is
/// one task for the whole body that sleeps until the current wait's deadline (a whole timeout when nothing
/// waits), so a piece costs a clock reading, not a timer of its own: per-piece timers made reading a blob from
/// S3 cost a third more CPU (bench/README.md, "S3 blob store").
final class S3TimedBody: Sendable {
    private let mailbox = Mailbox()
    private let demand: AsyncStream<Void>.Continuation
    private let pump: Task<Void, Never>
    private let watchdog: Task<Void, Never>
    private let key: String
    private let timeout: Duration

    init(key: String, body: HTTPClientResponse.Body, timeout: Duration) {
        self.key = key
        self.timeout = timeout
        let (requests, demand) = AsyncStream<Void>.makeStream()
        self.demand = demand
        let mailbox = mailbox
        pump = Task {
            var iterator = body.makeAsyncIterator()
            for await _ in requests {
                do {
                    let piece = try await iterator.next()
                    mailbox.deliver(.success(piece))
                    if piece == nil { return }
                } catch {
                    mailbox.deliver(.failure(error))
                    return
                }
            }
        }
        watchdog = Task {
            let clock = ContinuousClock()
            var lookAgain = clock.now + timeout
            while true {
                do { try await Task.sleep(until: lookAgain, clock: clock) } catch { return }
                guard let next = mailbox.expireOverdueWait(now: clock.now, timeout: timeout) else { return }
                lookAgain = next
            }
        }
    }

    deinit {
        demand.finish()
        pump.cancel()
        watchdog.cancel()
    }

    /// The next piece of the body, nil at its end.
    /// - Throws: ``StorageError/backend(_:)`` when the download broke off or no piece came within the deadline.
    func next() async throws -> ByteBuffer? {
        let result = await withCheckedContinuation { (waiter: CheckedContinuation<Result<ByteBuffer?, any Error>, Never>) in
            mailbox.wait(waiter, since: ContinuousClock.now)
            demand.yield(())
        }
        switch result {
        case .success(let piece):
            return piece
        case .failure(is Timeout):
            pump.cancel()
            throw StorageError.backend("S3 GetObject \(key): no data for \(timeout); the download was given up")
        case .failure(let error):
            throw StorageError.backend("S3 GetObject \(key): the download broke off: \(error)")
        }
    }

    private struct Timeout: Error {}

    /// Where a piece (or the watchdog's verdict) meets the reader waiting for it: the first to arrive answers
    /// the wait, and the watchdog only answers a wait that has lasted the timeout.
    private final class Mailbox: @unchecked Sendable {
        private let lock = NSLock()
        private var waiter: CheckedContinuation<Result<ByteBuffer?, any Error>, Never>?
        private var waitingSince: ContinuousClock.Instant?

        /// Stores the reader's continuation and when it began to wait.
        func wait(_ waiter: CheckedContinuation<Result<ByteBuffer?, any Error>, Never>, since: ContinuousClock.Instant) {
            lock.withLock {
                self.waiter = waiter
                waitingSince = since
            }
        }

        /// Answers the current wait, if any.
        func deliver(_ result: Result<ByteBuffer?, any Error>) {
            let waiter = lock.withLock {
                let waiter = self.waiter
                self.waiter = nil
                waitingSince = nil
                return waiter
            }
            waiter?.resume(returning: result)
        }

        /// Fails the current wait with a timeout if it began `timeout` ago or more (and returns nil: the body is
        /// done); otherwise returns when to look again — the current wait's deadline, or a whole timeout from
        /// now when nothing waits.
        func expireOverdueWait(now: ContinuousClock.Instant, timeout: Duration) -> ContinuousClock.Instant? {
            let overdue: CheckedContinuation<Result<ByteBuffer?, any Error>, Never>? = lock.withLock {
                guard let since = waitingSince, let waiter, now - since >= timeout else { return nil }
                self.waiter = nil
                waitingSince = nil
                return waiter
            }
            if let overdue {
                overdue.resume(returning: .failure(Timeout()))
                return nil
            }
            return lock.withLock { waitingSince.map { $0 + timeout } } ?? now + timeout
        }
    }
}
