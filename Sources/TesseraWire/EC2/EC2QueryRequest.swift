/// An EC2 Query request body (`Action=…&Version=…&SnapshotId.1=…&Filter.1.Name=…&Filter.1.Value.1=…`),
/// decoded once and read by name.
public struct EC2QueryRequest: Sendable {
    public let parameters: [String: String]

    /// Parses `application/x-www-form-urlencoded` text (`+` is a space, `%XX` a byte).
    public init(formEncoded text: String) {
        var parameters: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(pieces[0])
            parameters[name] = pieces.count > 1 ? Self.decode(pieces[1]) : ""
        }
        self.parameters = parameters
    }

    public subscript(name: String) -> String? { parameters[name] }

    /// `Prefix.1`, `Prefix.2`, … in order, until the first gap.
    public func list(_ prefix: String) -> [String] {
        var values: [String] = []
        while let value = parameters["\(prefix).\(values.count + 1)"] { values.append(value) }
        return values
    }

    /// `Filter.N.Name` with its `Filter.N.Value.M`.
    public func filters() -> [(name: String, values: [String])] {
        var filters: [(String, [String])] = []
        while let name = parameters["Filter.\(filters.count + 1).Name"] {
            filters.append((name, list("Filter.\(filters.count + 1).Value")))
        }
        return filters
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = iterator.next(), low = iterator.next()
                if let high, let low, let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                    if let high { bytes.append(high) }
                    if let low { bytes.append(low) }
                }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
