import Foundation

/// What is learned about a request while it is handled — the caller's account once its signature checks out,
/// the operation once a door knows it — kept by reference so that the middleware that logs the request's
/// summary line, which sees the context as it was before routing, can report them.
public final class RequestAnnotations: @unchecked Sendable {
    private let lock = NSLock()
    private var storedAccount: String?
    private var storedOperation: String?

    public init() {}

    public var account: String? {
        get { lock.withLock { storedAccount } }
        set { lock.withLock { storedAccount = newValue } }
    }

    public var operation: String? {
        get { lock.withLock { storedOperation } }
        set { lock.withLock { storedOperation = newValue } }
    }
}
