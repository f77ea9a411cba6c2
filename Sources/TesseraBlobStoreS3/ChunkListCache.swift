import Synchronization
import TesseraCore

/// Chunk lists this process has fetched and checked, so that the ranged reads of one blob (a download in
/// ranges reads a part many times) fetch its list once. A blob's list depends only on its content, which its
/// digest names, so a kept list never goes stale; at most ``capacity`` bytes of lists are kept, the oldest
/// dropped first.
final class ChunkListCache: Sendable {
    static let capacity = 8 << 20

    private struct State {
        /// Each list with the SHA-256 (hex) it was checked against.
        var lists: [SHA256Value: (list: [UInt8], sha256Hex: String)] = [:]
        var order: [SHA256Value] = []
        var bytes = 0
    }

    private let state = Mutex(State())

    /// The kept list of `digest`, if it was checked against `sha256Hex` (the hash the blob's metadata names now).
    func list(_ digest: SHA256Value, sha256Hex: String) -> [UInt8]? {
        state.withLock { state in
            state.lists[digest].flatMap { $0.sha256Hex == sha256Hex ? $0.list : nil }
        }
    }

    func keep(_ list: [UInt8], sha256Hex: String, for digest: SHA256Value) {
        guard list.count <= Self.capacity else { return }
        state.withLock { state in
            guard state.lists[digest] == nil else { return }
            while state.bytes + list.count > Self.capacity, !state.order.isEmpty {
                let oldest = state.order.removeFirst()
                state.bytes -= state.lists.removeValue(forKey: oldest)?.list.count ?? 0
            }
            state.lists[digest] = (list, sha256Hex)
            state.order.append(digest)
            state.bytes += list.count
        }
    }
}
