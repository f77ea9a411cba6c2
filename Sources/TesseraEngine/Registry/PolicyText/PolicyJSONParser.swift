import Foundation

/// Reads JSON text strictly, as RFC 8259 defines it: no comments, no trailing commas, no
/// single-quoted strings. Two stricter rules protect policy evaluation from ambiguity: an object
/// may not name the same key twice, and values nest at most `maximumDepth` deep.
struct PolicyJSONParser {
    /// How deep arrays and objects may nest; policy documents need far fewer levels.
    static let maximumDepth = 32

    /// The text's UTF-8 bytes.
    let bytes: [UInt8]
    /// Where reading stands in `bytes`.
    var index = 0

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The value the whole text spells, or nil when the text is not exactly one JSON value.
    static func parse(_ text: String) -> PolicyJSON? {
        var parser = PolicyJSONParser(bytes: Array(text.utf8))
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipWhitespace()
        return parser.index == parser.bytes.count ? value : nil
    }

    private mutating func value(depth: Int) -> PolicyJSON? {
        guard depth <= Self.maximumDepth else { return nil }
        skipWhitespace()
        guard let byte = peek() else { return nil }
        switch byte {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(PolicyJSON.string)
        case UInt8(ascii: "t"): return literal("true", .boolean(true))
        case UInt8(ascii: "f"): return literal("false", .boolean(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func object(depth: Int) -> PolicyJSON? {
        index += 1
        var members: [String: PolicyJSON] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(members) }
        repeat {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\""), let key = string(), members[key] == nil else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")), let member = value(depth: depth + 1) else { return nil }
            members[key] = member
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}")) ? .object(members) : nil
    }

    private mutating func array(depth: Int) -> PolicyJSON? {
        index += 1
        var elements: [PolicyJSON] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            guard let element = value(depth: depth + 1) else { return nil }
            elements.append(element)
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? .array(elements) : nil
    }

    private mutating func number() -> PolicyJSON? {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        if !consume(UInt8(ascii: "0")) {
            guard digits() > 0 else { return nil }
        }
        var whole = true
        if consume(UInt8(ascii: ".")) {
            whole = false
            guard digits() > 0 else { return nil }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            whole = false
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard digits() > 0 else { return nil }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if whole, let integer = Int(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else { return nil }
        return .number(double)
    }

    private mutating func digits() -> Int {
        let start = index
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    private mutating func literal(_ word: String, _ value: PolicyJSON) -> PolicyJSON? {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected
        else { return nil }
        index += expected.count
        return value
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    /// The next byte, if any, left unread.
    func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    /// Reads `byte` if it comes next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }
}
