import TesseraStorage

extension RegistryError {
    /// A storage failure as the registry reports it: the disk's being full is the client's to retry later.
    init(_ error: StorageError) {
        if case .outOfSpace(let text) = error { self = .outOfSpace(text) } else { self = .storageFailure(error.description) }
    }

    /// A failure of the shared ingest pipeline as the registry reports it.
    init(_ error: EngineError) {
        if case .outOfSpace(let text) = error { self = .outOfSpace(text) } else { self = .storageFailure(String(describing: error)) }
    }
}
