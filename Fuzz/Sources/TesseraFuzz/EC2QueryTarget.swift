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

        // The list readers take every numbered member (gaps and any number of digits allowed) and never invent
        // values: each value read is the value of some `Prefix.N`, and no `Prefix.N` (digits only) is left out.
        let snapshots = request.list("SnapshotId")
        let numbered = request.parameters.filter { name, _ in
            name.hasPrefix("SnapshotId.") && !name.dropFirst("SnapshotId.".count).isEmpty
                && name.dropFirst("SnapshotId.".count).utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
        check(snapshots.count == numbered.count, "list read \(snapshots.count) of the \(numbered.count) numbered SnapshotId members")
        check(snapshots.allSatisfy { Set(numbered.values).contains($0) }, "list read a value no SnapshotId.N has")
        let filters = request.filters()
        let filterNames = Set(request.parameters.filter { $0.key.hasPrefix("Filter.") && $0.key.hasSuffix(".Name") }.values)
        check(filters.count <= request.parameters.count, "filters read more filters than there are parameters")
        for filter in filters {
            check(filterNames.contains(filter.name), "filter \(filter.name.debugDescription) read from no Filter.N.Name")
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
