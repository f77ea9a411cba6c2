import Crypto
import TesseraCore

/// A deliberately plain tree hash, written from docs/aws/glacier.md#tree-hash and independent of `TreeHash`:
/// hash every 1 MiB chunk, then pair nodes left to right level by level, promoting an unpaired last node.
enum ReferenceTreeHash {
    static let mib = 1 << 20

    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.isEmpty { return Array(SHA256.hash(data: [UInt8]())) }
        var level: [[UInt8]] = stride(from: 0, to: bytes.count, by: mib).map { start in
            Array(SHA256.hash(data: bytes[start..<min(start + mib, bytes.count)]))
        }
        while level.count > 1 {
            var next: [[UInt8]] = []
            for index in stride(from: 0, to: level.count, by: 2) {
                if index + 1 < level.count {
                    next.append(Array(SHA256.hash(data: level[index] + level[index + 1])))
                } else {
                    next.append(level[index])
                }
            }
            level = next
        }
        return level[0]
    }

    static func hex(_ bytes: [UInt8]) -> String {
        hash(bytes).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// The byte ranges of every node of the tree over an archive of `size` bytes (leaves, parents, and
    /// nodes promoted unchanged), built the same way as the hash.
    static func nodeRanges(archiveSize size: Int64) -> Set<Range<Int64>> {
        let chunk = Int64(mib)
        var level: [Range<Int64>] = stride(from: Int64(0), to: size, by: Int(chunk)).map { $0..<min($0 + chunk, size) }
        var all = Set(level)
        while level.count > 1 {
            var next: [Range<Int64>] = []
            for index in stride(from: 0, to: level.count, by: 2) {
                next.append(index + 1 < level.count ? level[index].lowerBound..<level[index + 1].upperBound : level[index])
            }
            all.formUnion(next)
            level = next
        }
        return all
    }
}
