import TesseraStorage
import TesseraCore

/// What the engine refuses, as plain domain facts. Each front door maps every case, in one exhaustive
/// switch, to its protocol's wire error; adding a case breaks every mapping at compile time.
public enum EngineError: Error, Sendable, Equatable {
    case vaultNotFound(accountID: String, vault: String)
    case vaultNotEmpty(accountID: String, vault: String)
    case archiveNotFound(id: String)
    case uploadNotFound(id: String)
    case jobNotFound(id: String)
    /// A per-vault document (access policy, notifications, lock) that was never set.
    case vaultSettingNotFound(String)
    case jobNotReady(id: String)
    /// A parameter has a value the service does not accept; the message says which and why.
    case invalidParameter(String)
    /// A required parameter is absent; the message names it.
    case missingParameter(String)
    /// The client's checksum of the content (a tree hash) disagrees with what arrived.
    case checksumMismatch(expected: String, computed: String)
    /// The signed payload hash (x-amz-content-sha256) disagrees with the body that arrived.
    case payloadHashMismatch(expected: String, computed: String)
    /// The body ended before, or ran past, the length the request declared.
    case incompleteBody(declared: Int64, received: Int64)
    case limitExceeded(String)
    /// The caller may not do this to the resource in its current state (e.g. change a locked vault lock).
    case accessDenied(String)
    /// A stored blob failed its digest check or a backend failed; never the client's fault.
    case storageFailure(String)
    /// The disk is full or below the free-space floor; the same request succeeds once space is freed.
    case outOfSpace(String)

    /// A storage failure as the engine reports it.
    init(_ error: StorageError) {
        if case .outOfSpace(let text) = error { self = .outOfSpace(text) } else { self = .storageFailure(error.description) }
    }
}
