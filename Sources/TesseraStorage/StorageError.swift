import TesseraCore

/// The failures a storage backend reports, translated at the backend's boundary.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The blob or record is not stored.
    case notFound(String)
    /// A stored blob no longer matches its digest.
    case corrupt(SHA256Value)
    /// The backend failed (I/O, database); the text says what and where, for the log only.
    case backend(String)
    /// A write lost a race with another write of the same record.
    case conflict(String)
    /// The write was refused, or failed, because the store's disk is full or below its free-space floor; the
    /// text says where, for the log. Retrying after space is freed succeeds.
    case outOfSpace(String)

    public var description: String {
        switch self {
        case .notFound(let what): "not found: \(what)"
        case .corrupt(let digest): "blob \(digest.hex) does not match its digest"
        case .backend(let text): "storage backend failure: \(text)"
        case .conflict(let text): "conflicting write: \(text)"
        case .outOfSpace(let text): "out of disk space: \(text)"
        }
    }
}
