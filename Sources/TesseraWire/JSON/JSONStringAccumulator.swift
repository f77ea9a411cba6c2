import TesseraCore

/// Collects one JSON string byte by byte after its opening quote, resolving escapes (RFC 8259 §7),
/// `\uXXXX` surrogate pairs included.
struct JSONStringAccumulator {
    private var utf8: [UInt8] = []
    /// The bytes after a backslash, while an escape is being read.
    private var escape: [UInt8]?
    /// A high surrogate waiting for its low half.
    private var pendingHighSurrogate: UInt16?

    /// The string collected so far (valid once ``append(_:limit:)`` returned true).
    var string: String { String(decoding: utf8, as: UTF8.self) }

    /// Adds one byte; returns true when it was the closing quote.
    mutating func append(_ byte: UInt8, limit: Int) throws(StreamingJSONError) -> Bool {
        if var pending = escape {
            pending.append(byte)
            escape = pending
            try resolve(pending)
            return false
        }
        guard pendingHighSurrogate == nil || byte == UInt8(ascii: "\\") else {
            throw StreamingJSONError(.syntax, "The request body is not valid JSON: a lone surrogate in a string")
        }
        switch byte {
        case UInt8(ascii: "\""):
            return true
        case UInt8(ascii: "\\"):
            escape = []
        case 0..<0x20:
            throw StreamingJSONError(.syntax, "The request body is not valid JSON: a control character in a string")
        default:
            guard utf8.count < limit else { throw StreamingJSONError(.tooLong, "A string in the request body is too long") }
            utf8.append(byte)
        }
        return false
    }

    private mutating func resolve(_ pending: [UInt8]) throws(StreamingJSONError) {
        guard pending.first == UInt8(ascii: "u") else {
            guard let byte = Self.resolveASCIIEscape(pending) else {
                throw StreamingJSONError(.syntax, "The request body is not valid JSON: an invalid escape in a string")
            }
            guard pendingHighSurrogate == nil else {
                throw StreamingJSONError(.syntax, "The request body is not valid JSON: a lone surrogate in a string")
            }
            utf8.append(byte)
            escape = nil
            return
        }
        guard pending.count == 5 else { return }
        escape = nil
        guard let unit = Self.hexValue(pending.dropFirst()) else {
            throw StreamingJSONError(.syntax, "The request body is not valid JSON: an invalid \\u escape")
        }
        if let high = pendingHighSurrogate {
            guard (0xDC00...0xDFFF).contains(unit) else {
                throw StreamingJSONError(.syntax, "The request body is not valid JSON: a lone surrogate in a string")
            }
            pendingHighSurrogate = nil
            let scalar = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
            appendScalar(scalar)
        } else if (0xD800...0xDBFF).contains(unit) {
            pendingHighSurrogate = unit
        } else if (0xDC00...0xDFFF).contains(unit) {
            throw StreamingJSONError(.syntax, "The request body is not valid JSON: a lone surrogate in a string")
        } else {
            appendScalar(UInt32(unit))
        }
    }

    private mutating func appendScalar(_ value: UInt32) {
        guard let scalar = Unicode.Scalar(value) else { return }
        utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    /// The byte an escape stands for when it is a one-character escape or `\u00XX` of an ASCII character;
    /// nil when it is incomplete or stands for something else. `escape` excludes the backslash.
    static func resolveASCIIEscape(_ escape: [UInt8]) -> UInt8? {
        guard let first = escape.first else { return nil }
        switch first {
        case UInt8(ascii: "\""): return UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): return UInt8(ascii: "\\")
        case UInt8(ascii: "/"): return UInt8(ascii: "/")
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            guard escape.count == 5, let value = hexValue(escape.dropFirst()), value < 0x80 else { return nil }
            return UInt8(value)
        default: return nil
        }
    }

    static func hexValue(_ digits: ArraySlice<UInt8>) -> UInt16? {
        var value: UInt16 = 0
        for digit in digits {
            guard let nibble = Hex.nibble(digit) else { return nil }
            value = value << 4 | UInt16(nibble)
        }
        return value
    }
}
