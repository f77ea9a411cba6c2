/// When to try a request again and how long to wait first: capped exponential backoff with full jitter
/// (a uniformly random wait between zero and the cap for that attempt), as the AWS SDKs' standard mode does.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before attempt `attempt` (2 for the first retry), given `unit`, a random number in [0, 1).
    public func delay(beforeAttempt attempt: Int, unit: Double) -> Duration {
        let exponent = min(max(attempt - 2, 0), 30)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        return ceiling * min(max(unit, 0), 1)
    }

    /// Runs `operation` until it succeeds, fails with an error `isRetryable` refuses, or runs out of attempts;
    /// `sleep` and `random` are the clock and the dice (tests pass their own).
    public func run<Result: Sendable>(
        isRetryable: (any Error) -> Bool,
        sleep: (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: () -> Double = { Double.random(in: 0..<1) },
        _ operation: (_ attempt: Int) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch {
                guard attempt < maxAttempts, isRetryable(error), !Task.isCancelled else { throw error }
                attempt += 1
                try await sleep(delay(beforeAttempt: attempt, unit: random()))
            }
        }
    }
}
