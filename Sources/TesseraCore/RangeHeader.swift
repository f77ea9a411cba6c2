/// A single-range HTTP `Range` header (RFC 9110 §14.1.2): `bytes=FIRST-LAST`, `bytes=FIRST-` or `bytes=-SUFFIX`.
public enum RangeHeader {
    /// The bytes `header` asks for out of `total`, clipped to the end; nil when it is malformed, asks for
    /// several ranges, or starts past the end (a 416 for the caller).
    public static func parse(_ header: String, total: Int64) -> Range<Int64>? {
        // Range units are case-insensitive (RFC 9110 §14.1).
        guard header.count > 6, header.prefix(6).lowercased() == "bytes=" else { return nil }
        let pieces = header.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard pieces.count == 2 else { return nil }
        if pieces[0].isEmpty {
            guard let suffix = decimal(pieces[1]), suffix > 0, total > 0 else { return nil }
            return max(0, total - suffix)..<total
        }
        guard let first = decimal(pieces[0]), first < total else { return nil }
        guard !pieces[1].isEmpty else { return first..<total }
        guard let last = decimal(pieces[1]), last >= first else { return nil }
        return first..<(min(last, total - 1) + 1)
    }

    private static func decimal(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int64(text)
    }
}
