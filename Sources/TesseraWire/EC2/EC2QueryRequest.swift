import TesseraCore

/// An EC2 Query request body (`Action=…&Version=…&SnapshotId.1=…&Filter.1.Name=…&Filter.1.Value.1=…`),
/// decoded once and read by name.
public struct EC2QueryRequest: Sendable {
    public let parameters: [String: String]

    /// Parses `application/x-www-form-urlencoded` text: the bytes split at `&`, each piece at its first `=`;
    /// `+` is a space, `%XX` (two hex digits) a byte, any other `%` itself.
    public init(formEncoded text: String) {
        var parameters: [String: String] = [:]
        for pair in Array(text.utf8).split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = Self.decode(pair[..<(equals ?? pair.endIndex)])
            parameters[name] = equals.map { Self.decode(pair[($0 + 1)...]) } ?? ""
        }
        self.parameters = parameters
    }

    public subscript(name: String) -> String? { parameters[name] }

    /// Every `Prefix.N` in the order of N, whatever the numbers are: gaps and numbers past any integer type
    /// (`SnapshotId.99999999999999999999`) count like any other, so no member of a list is ever dropped (a
    /// dropped `SnapshotId` would widen DescribeSnapshots to every snapshot).
    public func list(_ prefix: String) -> [String] {
        indices(prefix).compactMap { parameters["\(prefix).\($0)"] }
    }

    /// `Filter.N.Name` with its `Filter.N.Value.M`, in the order of N.
    public func filters() -> [(name: String, values: [String])] {
        indices("Filter").compactMap { index in
            parameters["Filter.\(index).Name"].map { ($0, list("Filter.\(index).Value")) }
        }
    }

    /// The distinct N (decimal digits) of the parameters named `prefix.N` or `prefix.N.…`, in numeric order.
    func indices(_ prefix: String) -> [Substring] {
        let start = prefix + "."
        var found = Set<Substring>()
        for name in parameters.keys where name.hasPrefix(start) {
            let rest = name.dropFirst(start.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.endIndex == rest.endIndex || rest[digits.endIndex] == "." else { continue }
            found.insert(digits)
        }
        return found.sorted { first, second in
            let a = first.drop { $0 == "0" }, b = second.drop { $0 == "0" }
            return a.count != b.count ? a.count < b.count : (a != b ? a < b : first < second)
        }
    }

    static func decode(_ text: ArraySlice<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < text.endIndex,
                      let high = Hex.nibble(text[index + 1]), let low = Hex.nibble(text[index + 2]) {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
