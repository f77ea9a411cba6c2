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
/// continuation that the piece or the deadline's timer resumes, whichever comes first.
final class S3TimedBody: Sendable {
    private let mailbox = Mailbox()
    private let demand: AsyncStream<Void>.Continuation
    private let pump: Task<Void, Never>
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
    }

    deinit {
        demand.finish()
        pump.cancel()
    }

    /// The next piece of the body, nil at its end.
    /// - Throws: ``StorageError/backend(_:)`` when the download broke off or no piece came within the deadline.
    func next() async throws -> ByteBuffer? {
        let result = await withCheckedContinuation { (waiter: CheckedContinuation<Result<ByteBuffer?, any Error>, Never>) in
            let mailbox = mailbox
            let timeout = timeout
            let wait = mailbox.wait(waiter)
            mailbox.arm(Task {
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                mailbox.deliver(.failure(Timeout()), to: wait)
            }, for: wait)
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

    /// Where a piece (or a timer's verdict) meets the reader waiting for it: the first to arrive for a wait wins,
    /// and a timer only ever answers the wait it was armed for.
    private final class Mailbox: @unchecked Sendable {
        private let lock = NSLock()
        private var waiter: CheckedContinuation<Result<ByteBuffer?, any Error>, Never>?
        private var timer: Task<Void, Never>?
        private var current: UInt64 = 0

        /// Stores the reader's continuation; returns the wait's number.
        func wait(_ waiter: CheckedContinuation<Result<ByteBuffer?, any Error>, Never>) -> UInt64 {
            lock.withLock {
                current += 1
                self.waiter = waiter
                return current
            }
        }

        /// Keeps `timer` to cancel when the wait is answered (at once, when it already was).
        func arm(_ timer: Task<Void, Never>, for wait: UInt64) {
            let answered = lock.withLock {
                guard current == wait, waiter != nil else { return true }
                self.timer = timer
                return false
            }
            if answered { timer.cancel() }
        }

        /// Answers the current wait (`to` nil: the piece the pump fetched) or the wait `to` if it is still the one.
        func deliver(_ result: Result<ByteBuffer?, any Error>, to wait: UInt64? = nil) {
            let (waiter, timer): (CheckedContinuation<Result<ByteBuffer?, any Error>, Never>?, Task<Void, Never>?) = lock.withLock {
                guard wait == nil || wait == current, let waiter = self.waiter else { return (nil, nil) }
                let timer = self.timer
                self.waiter = nil
                self.timer = nil
                return (waiter, timer)
            }
            timer?.cancel()
            waiter?.resume(returning: result)
        }
    }
}
