import Synchronization
import TesseraCore

/// Chunk lists this process has fetched and checked, so that the ranged reads of one blob (a download in
/// ranges reads a part many times) fetch its list once. A blob's list depends only on its content, which its
/// digest names, so a kept list never goes stale; at most ``capacity`` bytes of lists are kept, the oldest
/// dropped first.
final class ChunkListCache: Sendable {
    static let capacity = 8 << 20

    private struct State {
        var lists: [SHA256Value: [UInt8]] = [:]
        var order: [SHA256Value] = []
        var bytes = 0
    }

    private let state = Mutex(State())

    func list(_ digest: SHA256Value) -> [UInt8]? {
        state.withLock { $0.lists[digest] }
    }

    func keep(_ list: [UInt8], for digest: SHA256Value) {
        guard list.count <= Self.capacity else { return }
        state.withLock { state in
            guard state.lists[digest] == nil else { return }
            while state.bytes + list.count > Self.capacity, !state.order.isEmpty {
                let oldest = state.order.removeFirst()
                state.bytes -= state.lists.removeValue(forKey: oldest)?.count ?? 0
            }
            state.lists[digest] = list
            state.order.append(digest)
            state.bytes += list.count
        }
    }
}
