#if canImport(Glibc)
import Glibc
#endif

/// Reads one JSON object of scalar members as it arrives, in pieces of any size, keeping the scalars and
/// decoding one base64 string member (the streamed member) as it goes, so that a body of tens of megabytes
/// is never held whole: ECR's `UploadLayerPart` sends up to 20 MiB of layer bytes as base64 inside its JSON.
///
/// Members may come in any order (SDKs differ: some send the blob first). Values that are objects or
/// arrays are refused, as are duplicate members. Call ``feed(_:)`` with each piece, take the decoded bytes
/// with ``takeDecoded()``, then call ``finish()``.
public struct StreamingJSONObjectReader {
    /// The member whose base64 value is decoded as it streams.
    public let streamedMember: String
    /// The longest key or kept string value, in bytes.
    public let maxScalarLength: Int

    /// Scalar members read so far.
    public private(set) var members: [String: JSONScalar] = [:]
    /// The scalar members that came before the streamed member began, once it has.
    public private(set) var membersBeforeStream: [String: JSONScalar]?
    /// Whether the streamed member appeared (as a string).
    public var sawStreamedMember: Bool { membersBeforeStream != nil }
    /// How many bytes the streamed member has decoded to so far.
    public var decodedCount: Int64 { base64.decodedCount }

    private var state = State.beforeObject
    private var text = JSONStringAccumulator()
    private var key = ""
    private var scalar: [UInt8] = []
    private var base64 = Base64StreamDecoder()
    private var decoded: [UInt8] = []
    /// An escape inside the streamed string: the bytes after the backslash.
    private var streamEscape: [UInt8]?

    private enum State {
        case beforeObject, beforeFirstKey, beforeKey, inKey, afterKey, beforeValue
        case inString, inStream, inNumber, inLiteral, afterValue, done
    }

    public init(streamedMember: String, maxScalarLength: Int = 65_536) {
        self.streamedMember = streamedMember
        self.maxScalarLength = maxScalarLength
    }

    /// Bytes the streamed member decoded to since the last call.
    public mutating func takeDecoded() -> [UInt8] {
        defer { decoded.removeAll(keepingCapacity: true) }
        return decoded
    }

    /// Reads the next piece of the body.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(StreamingJSONError) {
        var index = 0
        while index < bytes.count {
            if state == .inStream && streamEscape == nil {
                // The hot path: a run of base64 up to the closing quote or an escape, decoded in bulk.
                let end = Self.firstQuoteOrBackslash(in: bytes, from: index)
                try base64.decode(UnsafeRawBufferPointer(rebasing: bytes[index..<end]), into: &decoded)
                index = end
                guard index < bytes.count else { return }
            }
            try step(bytes[index])
            index += 1
        }
    }

    /// Checks the body ended after one whole object.
    public func finish() throws(StreamingJSONError) {
        guard state == .done else { throw StreamingJSONError(.syntax, "The JSON body ended before the object was complete") }
    }

    private mutating func step(_ byte: UInt8) throws(StreamingJSONError) {
        switch state {
        case .beforeObject:
            if Self.isSpace(byte) { return }
            guard byte == UInt8(ascii: "{") else { throw syntax("expected '{' to begin the object") }
            state = .beforeFirstKey
        case .beforeFirstKey, .beforeKey:
            if Self.isSpace(byte) { return }
            if byte == UInt8(ascii: "}") && state == .beforeFirstKey { state = .done; return }
            guard byte == UInt8(ascii: "\"") else { throw syntax("expected a member name") }
            text = JSONStringAccumulator()
            state = .inKey
        case .inKey:
            if try text.append(byte, limit: maxScalarLength) {
                key = text.string
                guard members[key] == nil && !(key == streamedMember && sawStreamedMember) else {
                    throw StreamingJSONError(.duplicateMember, "The member '\(key)' appears more than once")
                }
                state = .afterKey
            }
        case .afterKey:
            if Self.isSpace(byte) { return }
            guard byte == UInt8(ascii: ":") else { throw syntax("expected ':' after the member name '\(key)'") }
            state = .beforeValue
        case .beforeValue:
            try beginValue(byte)
        case .inString:
            if try text.append(byte, limit: maxScalarLength) { try keep(.string(text.string)) }
        case .inStream:
            try streamByte(byte)
        case .inNumber:
            if Self.isNumberByte(byte) {
                guard scalar.count < 64 else { throw StreamingJSONError(.tooLong, "The number in '\(key)' is too long") }
                scalar.append(byte)
                return
            }
            guard Self.isValidNumber(scalar) else { throw syntax("'\(String(decoding: scalar, as: UTF8.self))' is not a number") }
            try keep(.number(String(decoding: scalar, as: UTF8.self)))
            try step(byte)
        case .inLiteral:
            if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") && scalar.count < 5 {
                scalar.append(byte)
                return
            }
            switch String(decoding: scalar, as: UTF8.self) {
            case "true": try keep(.bool(true))
            case "false": try keep(.bool(false))
            case "null": try keep(.null)
            default: throw syntax("unexpected value in '\(key)'")
            }
            try step(byte)
        case .afterValue:
            if Self.isSpace(byte) { return }
            if byte == UInt8(ascii: ",") { state = .beforeKey; return }
            guard byte == UInt8(ascii: "}") else { throw syntax("expected ',' or '}' after the value of '\(key)'") }
            state = .done
        case .done:
            guard Self.isSpace(byte) else { throw syntax("unexpected data after the object") }
        }
    }

    private mutating func beginValue(_ byte: UInt8) throws(StreamingJSONError) {
        if Self.isSpace(byte) { return }
        switch byte {
        case UInt8(ascii: "\""):
            if key == streamedMember {
                membersBeforeStream = members
                state = .inStream
            } else {
                text = JSONStringAccumulator()
                state = .inString
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            scalar = [byte]
            state = .inNumber
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            scalar = [byte]
            state = .inLiteral
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            throw syntax("the member '\(key)' must not be an object or an array")
        default:
            throw syntax("unexpected character in the value of '\(key)'")
        }
    }

    /// A byte of the streamed string that is a quote or part of an escape (the bulk path handles the rest).
    private mutating func streamByte(_ byte: UInt8) throws(StreamingJSONError) {
        if var escape = streamEscape {
            escape.append(byte)
            streamEscape = escape
            guard let resolved = JSONStringAccumulator.resolveASCIIEscape(escape) else {
                if escape.count >= 5 || !(escape.first == UInt8(ascii: "u")) { throw syntax("invalid escape in '\(key)'") }
                return
            }
            streamEscape = nil
            try base64.decode(byte: resolved, into: &decoded)
            return
        }
        if byte == UInt8(ascii: "\\") { streamEscape = []; return }
        // The closing quote.
        try base64.finish()
        state = .afterValue
    }

    private mutating func keep(_ value: JSONScalar) throws(StreamingJSONError) {
        if key != streamedMember { members[key] = value }
        if key == streamedMember && value != .null {
            throw syntax("the member '\(key)' must be a base64 string")
        }
        state = .afterValue
    }

    private func syntax(_ what: String) -> StreamingJSONError {
        StreamingJSONError(.syntax, "The request body is not valid JSON: \(what)")
    }

    /// The offset of the first `"` or `\\` at or after `start`, or the end.
    static func firstQuoteOrBackslash(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count else { return bytes.count }
        let length = bytes.count - start
        let quote = memchr(base + start, Int32(UInt8(ascii: "\"")), length)
        let searched = quote.map { $0 - UnsafeMutableRawPointer(mutating: base + start) } ?? length
        let backslash = memchr(base + start, Int32(UInt8(ascii: "\\")), searched)
        let end = backslash.map { $0 - UnsafeMutableRawPointer(mutating: base + start) } ?? searched
        return start + end
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    /// JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isValidNumber(_ text: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < text.count && text[index] >= UInt8(ascii: "0") && text[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if index < text.count && text[index] == UInt8(ascii: "-") { index += 1 }
        let integer = index
        let count = digits()
        guard count > 0, count == 1 || text[integer] != UInt8(ascii: "0") else { return false }
        if index < text.count && text[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < text.count && (text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E")) {
            index += 1
            if index < text.count && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == text.count
    }
}
