import TesseraCore
import TesseraWire

/// EC2 Query request bodies (`Action=CreateTags&ResourceId.1=snap-…&Tag.1.Key=…`), the form the EC2
/// snapshot API reads (TesseraWire's EC2QueryRequest).
extension FuzzTarget {
    static let ec2Query = FuzzTarget(
        name: "ec2-query", maxLength: 2048,
        summary: "EC2 Query (application/x-www-form-urlencoded) bodies (EC2QueryRequest)"
    ) { bytes in
        // The door reads the body as text first (String(buffer:)), so the parser sees valid UTF-8.
        let body = text(bytes)
        let request = EC2QueryRequest(formEncoded: body)

        // The same body decoded by the form-urlencoded rules themselves (WHATWG URL, "application/
        // x-www-form-urlencoded parsing"): split the bytes at `&`, each piece at its first `=`; `+` is a
        // space and `%` followed by two hex digits is that byte, any other `%` is itself.
        var expected: [String: String] = [:]
        for piece in Array(body.utf8).split(separator: UInt8(ascii: "&")) {
            let equals = piece.firstIndex(of: UInt8(ascii: "="))
            let name = EC2QueryChecks.decode(piece[..<(equals ?? piece.endIndex)])
            expected[name] = equals.map { EC2QueryChecks.decode(piece[piece.index(after: $0)...]) } ?? ""
        }
        check(request.parameters == expected,
              "\(body.debugDescription) parsed to \(request.parameters), the form rules give \(expected)")

        // Every parameter set survives being encoded the way SDKs encode it.
        let encoded = request.parameters.map { EC2QueryChecks.encode($0.key) + "=" + EC2QueryChecks.encode($0.value) }
            .joined(separator: "&")
        check(EC2QueryRequest(formEncoded: encoded).parameters == request.parameters, "\(encoded.debugDescription) does not parse back")

        // The list readers stop at the first gap and never invent values.
        let snapshots = request.list("SnapshotId")
        check(snapshots.count <= request.parameters.count, "list read more values than there are parameters")
        let filters = request.filters()
        check(filters.count <= request.parameters.count, "filters read more filters than there are parameters")
        for (offset, filter) in filters.enumerated() {
            check(request["Filter.\(offset + 1).Name"] == filter.name, "filter \(offset + 1) misnamed")
        }
    }
}

enum EC2QueryChecks {
    /// Form-urlencoded decoding of one name or value.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), bytes.endIndex - index >= 3,
                      let high = Hex.nibble(bytes[index + 1]), let low = Hex.nibble(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Form-urlencoded encoding: unreserved bytes as they are, a space as `+`, the rest `%XX`.
    static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") {
                out.append(UInt8(ascii: "+"))
            } else if (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || Array("-._~".utf8).contains(byte) {
                out.append(byte)
            } else {
                out.append(contentsOf: Array("%".utf8) + Array(Hex.encode([byte]).uppercased().utf8))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
