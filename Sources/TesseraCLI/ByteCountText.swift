/// A number of bytes as people write it in flags and config files: `268435456`, `256MiB`, `256M`, `1.5GiB`,
/// `500MB` (K, M, G and T alone, and with `iB`, are powers of 1024; with `B`, powers of 1000).
enum ByteCountText {
    static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let split = trimmed.firstIndex(where: { !($0.isNumber || $0 == ".") }) else {
            return Int64(trimmed)
        }
        guard let number = Double(trimmed[..<split]), number >= 0, number.isFinite else { return nil }
        let unit = trimmed[split...].trimmingCharacters(in: .whitespaces).lowercased()
        let scale: Double
        switch unit {
        case "b": scale = 1
        case "k", "kib": scale = 1024
        case "m", "mib": scale = 1024 * 1024
        case "g", "gib": scale = 1024 * 1024 * 1024
        case "t", "tib": scale = 1024 * 1024 * 1024 * 1024
        case "kb": scale = 1e3
        case "mb": scale = 1e6
        case "gb": scale = 1e9
        case "tb": scale = 1e12
        default: return nil
        }
        let bytes = (number * scale).rounded()
        guard bytes < Double(Int64.max) else { return nil }
        return Int64(bytes)
    }
}
