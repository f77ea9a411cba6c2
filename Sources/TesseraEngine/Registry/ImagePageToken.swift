import Foundation
import TesseraStorage

/// The `nextToken` of image listings: the position of the last image listed (push time and digest) and, when a
/// ListImages page ended inside an image's tags, the last tag listed. A position, not a row: a page still
/// follows when the image it ended at has been deleted or retagged meanwhile.
enum ImagePageToken {
    static func encode(_ cursor: ImageCursor, lastTag: String?) -> String {
        let millis = Int64((cursor.pushedAt.timeIntervalSince1970 * 1000).rounded())
        return PageToken.encode("\(millis) \(cursor.digest)" + (lastTag.map { " \($0)" } ?? ""))
    }

    /// The furthest push time a token may carry, in milliseconds either side of 1970: 9999-12-31T23:59:59.999Z.
    /// A time much further off does not survive the trip back to milliseconds (the metadata store's key):
    /// near `Int64.max` the conversion traps.
    static let maximumMillis: Int64 = 253_402_300_799_999

    static func decode(_ token: String) throws(RegistryError) -> (cursor: ImageCursor, lastTag: String?) {
        let pieces = try PageToken.decode(token).split(separator: " ", omittingEmptySubsequences: false)
        guard (2...3).contains(pieces.count), let millis = Int64(pieces[0]), (-maximumMillis...maximumMillis).contains(millis),
              !pieces[1].isEmpty else {
            throw .invalidParameter(member: "nextToken", constraint: "must be a token returned by a previous call")
        }
        let cursor = ImageCursor(pushedAt: Date(timeIntervalSince1970: Double(millis) / 1000), digest: String(pieces[1]))
        return (cursor, pieces.count == 3 ? String(pieces[2]) : nil)
    }
}
