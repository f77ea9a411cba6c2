/// Decodes standard base64 (RFC 4648 §4, `+` and `/`, `=` padding) that arrives in pieces of any size.
struct Base64StreamDecoder {
    /// 0–63 for alphabet characters, `pad` for `=`, `invalid` for anything else.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        table[Int(UInt8(ascii: "="))] = pad
        return table
    }()
    private static let invalid: UInt8 = 0xFF
    private static let pad: UInt8 = 0xFE

    /// Bits of the quad being read, and how many of its characters have arrived.
    private var quad: UInt32 = 0
    private var filled = 0
    /// How many `=` ended the input; once one has, only `=` may follow.
    private var padding = 0
    /// Decoded bytes so far.
    private(set) var decodedCount: Int64 = 0

    /// Decodes `bytes` (base64 text, no quotes or escapes), appending the bytes it completes to `output`.
    mutating func decode(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(StreamingJSONError) {
        var index = 0
        let count = bytes.count
        // Finish a quad the previous piece left open, one character at a time.
        while index < count && filled != 0 && padding == 0 {
            try decode(byte: bytes[index], into: &output)
            index += 1
        }
        if padding == 0 && count - index >= 4 {
            index += decodeWholeQuads(UnsafeRawBufferPointer(rebasing: bytes[index...]), into: &output)
        }
        while index < count {
            try decode(byte: bytes[index], into: &output)
            index += 1
        }
    }

    /// Decodes whole quads of alphabet characters straight into `output`, stopping before the first quad with
    /// anything else (padding, or a character the byte-wise path will refuse). Returns the characters used.
    private mutating func decodeWholeQuads(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Int {
        guard let input = bytes.baseAddress else { return 0 }
        let quads = bytes.count / 4
        let start = output.count
        output.append(contentsOf: [UInt8](repeating: 0, count: quads * 3))
        // Raw pointers only: this loop decodes every byte of a layer part, in debug builds too.
        let done = Self.table.withUnsafeBufferPointer { table -> Int in
            guard let table = table.baseAddress else { return 0 }
            return output.withUnsafeMutableBufferPointer { out -> Int in
                guard let out = out.baseAddress else { return 0 }
                var quad = 0
                var from = input.assumingMemoryBound(to: UInt8.self)
                var to = out + start
                while quad < quads {
                    let a = table[Int(from[0])], b = table[Int(from[1])], c = table[Int(from[2])], d = table[Int(from[3])]
                    if (a | b | c | d) >= 64 { break }
                    let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    to[0] = UInt8(truncatingIfNeeded: value >> 16)
                    to[1] = UInt8(truncatingIfNeeded: value >> 8)
                    to[2] = UInt8(truncatingIfNeeded: value)
                    from += 4
                    to += 3
                    quad += 1
                }
                return quad
            }
        }
        output.removeLast((quads - done) * 3)
        decodedCount += Int64(done * 3)
        return done * 4
    }

    /// Decodes one character.
    mutating func decode(byte: UInt8, into output: inout [UInt8]) throws(StreamingJSONError) {
        let value = Self.table[Int(byte)]
        if value == Self.invalid {
            throw StreamingJSONError(.invalidBase64, "Invalid base64: unexpected character 0x\(String(byte, radix: 16))")
        }
        if value == Self.pad {
            // `=` may stand only for the last one or two characters of a quad.
            guard filled + padding >= 2 else { throw StreamingJSONError(.invalidBase64, "Invalid base64: misplaced padding") }
            padding += 1
            if filled + padding == 4 { try finishPaddedQuad(into: &output) }
            return
        }
        guard padding == 0 else { throw StreamingJSONError(.invalidBase64, "Invalid base64: data after padding") }
        quad = quad << 6 | UInt32(value)
        filled += 1
        if filled == 4 {
            output.append(UInt8(truncatingIfNeeded: quad >> 16))
            output.append(UInt8(truncatingIfNeeded: quad >> 8))
            output.append(UInt8(truncatingIfNeeded: quad))
            decodedCount += 3
            quad = 0
            filled = 0
        }
    }

    private mutating func finishPaddedQuad(into output: inout [UInt8]) throws(StreamingJSONError) {
        let bits = quad << (6 * UInt32(padding))
        output.append(UInt8(truncatingIfNeeded: bits >> 16))
        decodedCount += 1
        if filled == 3 {
            output.append(UInt8(truncatingIfNeeded: bits >> 8))
            decodedCount += 1
        }
        quad = 0
        filled = 0
        // Later characters must all be `=` (none in practice): keep `padding` non-zero but the quad closed.
        padding = 4
    }

    /// Checks the text ended on a quad boundary.
    func finish() throws(StreamingJSONError) {
        guard filled == 0 && (padding == 0 || padding == 4) else {
            throw StreamingJSONError(.invalidBase64, "Invalid base64: the text does not end on a 4-character boundary")
        }
    }
}
