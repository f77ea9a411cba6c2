import Foundation

/// Deterministic test bytes and scratch directories.
public enum TestData {
    /// `count` pseudo-random bytes from `seed`: the same seed always gives the same bytes (SplitMix64).
    public static func bytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { raw in
            var index = 0
            while index < raw.count {
                var word = generator.next()
                let take = min(8, raw.count - index)
                for offset in 0..<take {
                    raw[index + offset] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                }
                index += take
            }
        }
        return out
    }

    /// `count` copies of one byte (the AWS test vectors use runs of ASCII '0').
    public static func repeated(_ byte: UInt8, count: Int) -> [UInt8] {
        [UInt8](repeating: byte, count: count)
    }

    /// Makes an empty directory with a unique name under the system's temporary directory.
    public static func makeTemporaryDirectory(prefix: String = "tessera-test") throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Removes a directory made by ``makeTemporaryDirectory(prefix:)`` and everything in it; absent is fine.
    public static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs `body` with a fresh temporary directory and removes the directory afterwards, whatever happens.
    public static func withTemporaryDirectory<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (String) async throws -> T
    ) async throws -> T {
        let path = try makeTemporaryDirectory()
        defer { removeDirectory(path) }
        return try await body(path)
    }
}

/// SplitMix64: a tiny, well-mixed, seedable generator, good enough for test data (not for secrets).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
