import NIOPosix

/// One thread that runs a SQLite connection's calls and, as a task executor, the task that issues them.
///
/// SQLiteNIO runs every statement on the connection's thread pool and resumes the caller from there. When
/// the caller is an ordinary task, each statement is two thread hand-offs, and the resumed task waits for
/// a cooperative thread — behind whatever the cores are busy with (hashing uploads). A batch of
/// transactions is a few statements per transaction, run one after another, so those waits added up on
/// every write. A task that prefers this executor resumes on the very thread that ran
/// the statement: the statements of a batch follow one another here without waking anything else.
final class SQLiteThread: TaskExecutor {
    /// The single thread; SQLiteNIO is given it as the connection's pool.
    let pool: NIOThreadPool

    init() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        // Runs the job whatever state the pool reports: on shutdown the pool calls each queued item once,
        // marked cancelled, and after it runs a new item on the caller's thread. A job left unrun would leave
        // its task suspended for ever.
        pool.submit { _ in job.runSynchronously(on: executor) }
    }

    /// Stops the thread. Statements still queued fail with `CancellationError`; queued task jobs still run.
    func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
