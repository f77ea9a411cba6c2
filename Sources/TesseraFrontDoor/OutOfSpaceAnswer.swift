import Hummingbird

/// What every door tells a client whose write was refused because the server's disk is full or below its
/// free-space floor: its protocol's retryable server error (the SDKs and container tools retry those), this
/// message, and `Retry-After`, the seconds until the automatic sweep that such a refusal starts has had time
/// to free space (docs/operating.md#disk-space).
public enum OutOfSpaceAnswer {
    public static let message = "The server is low on disk space and stores nothing new until space is freed; try again later."
    public static let retryAfterSeconds = 30

    /// `response` with the `Retry-After` header.
    public static func withRetryAfter(_ response: Response) -> Response {
        var response = response
        response.headers[.retryAfter] = String(retryAfterSeconds)
        return response
    }
}
