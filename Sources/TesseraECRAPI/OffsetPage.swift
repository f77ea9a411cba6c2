import TesseraWire

/// Pages of a list the door holds whole (referrers, preview results): the token is the offset of the next page.
enum OffsetPage {
    static func slice<T>(_ items: [T], maxResults: Int?, maximum: Int, nextToken: String?) throws -> (page: [T], nextToken: String?) {
        let limit = maxResults ?? maximum
        guard (1...maximum).contains(limit) else {
            throw ECRWireError.invalidParameter(member: "maxResults", constraint: "must be between 1 and \(maximum)")
        }
        var start = 0
        if let nextToken {
            guard nextToken.hasPrefix("offset-"), let offset = Int(nextToken.dropFirst("offset-".count)), (0...items.count).contains(offset) else {
                throw ECRWireError.invalidParameter(member: "nextToken", constraint: "must be a token returned by a previous call")
            }
            start = offset
        }
        let end = min(items.count, start + limit)
        return (Array(items[start..<end]), end < items.count ? "offset-\(end)" : nil)
    }
}
