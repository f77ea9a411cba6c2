/// A registry content digest, `algorithm:hex`, as container registries name layers, configs and manifests.
///
/// Only the two registered algorithms of the OCI image spec (descriptor.md, "Registered algorithms") are
/// accepted, with their exact encodings: `sha256:` + 64 and `sha512:` + 128 lower-case hex digits. Anything
/// else of the general digest grammar parses as ``Parsed/unsupported``, so a caller can tell "unknown
/// algorithm" from "not a digest".
public struct ContentDigest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha256
        case sha512

        /// Hex digits of an encoded digest.
        public var hexLength: Int { self == .sha256 ? 64 : 128 }
    }

    public let algorithm: Algorithm
    /// Lower-case hex.
    public let hex: String

    /// The outcome of reading a digest string.
    public enum Parsed: Sendable, Equatable {
        case digest(ContentDigest)
        /// Well-formed (`algorithm:encoded`) but not a registered algorithm, or not its exact encoding.
        case unsupported
        /// Not of the digest grammar at all.
        case malformed
    }

    /// Reads `text` as a digest.
    public static func parse(_ text: String) -> Parsed {
        guard let colon = text.firstIndex(of: ":") else { return .malformed }
        let name = text[..<colon], encoded = text[text.index(after: colon)...]
        guard !name.isEmpty, !encoded.isEmpty,
              name.utf8.allSatisfy({ isLowerAlnum($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".")
                  || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }),
              encoded.utf8.allSatisfy({ isLowerAlnum($0) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                  || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else { return .malformed }
        guard let algorithm = Algorithm(rawValue: String(name)), encoded.utf8.count == algorithm.hexLength,
              encoded.utf8.allSatisfy({ Hex.nibble($0) != nil && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F")) })
        else { return .unsupported }
        return .digest(ContentDigest(algorithm: algorithm, hex: String(encoded)))
    }

    /// A digest from a valid string; nil for anything ``parse(_:)`` does not accept as a digest.
    public init?(_ text: String) {
        guard case .digest(let digest) = Self.parse(text) else { return nil }
        self = digest
    }

    public init(algorithm: Algorithm, hex: String) {
        self.algorithm = algorithm
        self.hex = hex
    }

    /// The SHA-256 digest of content whose SHA-256 is `value`.
    public init(sha256 value: SHA256Value) {
        self.init(algorithm: .sha256, hex: value.hex)
    }

    /// `algorithm:hex`.
    public var string: String { algorithm.rawValue + ":" + hex }
    public var description: String { string }

    /// The SHA-256 value, for a `sha256:` digest.
    public var sha256: SHA256Value? { algorithm == .sha256 ? SHA256Value(hex: hex) : nil }

    public static func < (lhs: ContentDigest, rhs: ContentDigest) -> Bool { lhs.string < rhs.string }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
