/// Opaque, URL-safe random identifiers for archives, uploads and jobs.
public enum RandomID {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// `length` characters from `[A-Za-z0-9_-]`, from the system's secure generator. The first is a letter
    /// or digit: an id that starts with `-` reads as an option to command lines (`aws … --upload-id -x…`).
    public static func urlSafe(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        out.reserveCapacity(length)
        for position in 0..<length {
            out.append(alphabet[Int(generator.next() % (position == 0 ? 62 : 64))])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lower-case hex of `byteCount` random bytes.
    public static func hex(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
