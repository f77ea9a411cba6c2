/// An inclusive byte range as written in `Content-Range: bytes FIRST-LAST/*` and `Range: bytes=FIRST-LAST`.
public struct InclusiveByteRange: Hashable, Sendable, CustomStringConvertible {
    public let first: Int64
    public let last: Int64

    /// Nil for a negative or backward range, and for one ending at `Int64.max`, whose count and half-open
    /// end would not fit in an `Int64`.
    public init?(first: Int64, last: Int64) {
        guard first >= 0, last >= first, last < Int64.max else { return nil }
        self.first = first
        self.last = last
    }

    /// Number of bytes covered.
    public var count: Int64 { last - first + 1 }

    /// The half-open form.
    public var halfOpen: Range<Int64> { first..<(last + 1) }

    /// `FIRST-LAST`, as in Glacier's RangeInBytes and RetrievalByteRange.
    public var description: String { "\(first)-\(last)" }

    /// Parses `FIRST-LAST` (decimal, no spaces).
    public init?(dashed text: some StringProtocol) {
        let pieces = text.split(separator: "-", omittingEmptySubsequences: false)
        guard pieces.count == 2, let first = Self.decimal(pieces[0]), let last = Self.decimal(pieces[1]) else { return nil }
        self.init(first: first, last: last)
    }

    /// Parses `bytes FIRST-LAST/*` or `bytes FIRST-LAST/TOTAL` (a Content-Range header).
    public init?(contentRange text: String) {
        guard text.hasPrefix("bytes ") else { return nil }
        let body = text.dropFirst("bytes ".count)
        guard let slash = body.firstIndex(of: "/") else { return nil }
        let total = body[body.index(after: slash)...]
        guard let range = InclusiveByteRange(dashed: body[..<slash]) else { return nil }
        if total != "*" {
            guard let length = Self.decimal(total), range.last < length else { return nil }
        }
        self = range
    }

    private static func decimal(_ text: some StringProtocol) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int64(text)
    }
}
