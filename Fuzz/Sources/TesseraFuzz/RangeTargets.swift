import TesseraCore

/// Byte ranges from `Content-Range` (Glacier UploadMultipartPart, OCI chunk uploads), `Range`
/// (GetJobOutput, layer downloads) and Glacier's `RetrievalByteRange` (TesseraCore).
extension FuzzTarget {
    /// Input: the header value, then optionally a line with the size of what the range is over
    /// (default 4096).
    static let contentRange = FuzzTarget(
        name: "content-range", maxLength: 128,
        summary: "Content-Range, Range and RetrievalByteRange values (InclusiveByteRange, RangeHeader, TreeHash.isAligned)"
    ) { bytes in
        let parts = lines(bytes)
        let header = parts[0]
        let total = parts.count > 1 ? Int64(parts[1]).map { max($0, 0) } ?? 4096 : 4096

        if let range = InclusiveByteRange(contentRange: header) {
            RangeChecks.inclusive(range, from: header)
            check(InclusiveByteRange(contentRange: "bytes \(range)/*") == range, "bytes \(range)/* does not parse back")
        }
        if let range = InclusiveByteRange(dashed: header) {
            RangeChecks.inclusive(range, from: header)
            // Glacier's RetrievalByteRange: a range inside the archive, checked for tree-hash alignment.
            // Archives are at most 40 TiB.
            let archiveSize = min(total, Int64(40) << 40)
            if range.last < archiveSize {
                _ = TreeHash.isAligned(range.halfOpen, archiveSize: archiveSize)
                check(TreeHash.isAligned(0..<archiveSize, archiveSize: archiveSize), "a whole archive of \(archiveSize) bytes is not aligned")
            }
        }
        if let range = RangeHeader.parse(header, total: total) {
            check(range.lowerBound >= 0 && range.lowerBound < range.upperBound && range.upperBound <= total,
                  "\(header.debugDescription) over \(total) bytes gave \(range)")
            check(RangeHeader.parse("bytes=\(range.lowerBound)-\(range.upperBound - 1)", total: total) == range,
                  "\(range) does not parse back")
        }
    }
}

enum RangeChecks {
    /// A parsed inclusive range: ordered, non-negative, its size and half-open form computable, and
    /// written back as it was read.
    static func inclusive(_ range: InclusiveByteRange, from header: String) {
        check(range.first >= 0 && range.last >= range.first, "\(header.debugDescription) gave \(range)")
        check(range.count == range.halfOpen.upperBound - range.halfOpen.lowerBound, "count of \(range)")
        check(InclusiveByteRange(dashed: range.description) == range, "\(range) does not parse back")
    }
}
