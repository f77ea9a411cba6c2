import Foundation

/// Glacier's timestamp text: ISO-8601 in UTC with milliseconds, `2012-03-20T17:03:43.221Z`.
public enum ISO8601Timestamp {
    /// Formats with the milliseconds rounded to the nearest (a stored `.221` never prints as `.220`).
    public static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = Date(timeIntervalSince1970: Double(millis.floorDivided(by: 1000)))
        let whole = seconds.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
            .timeSeparator(.colon).timeZone(separator: .omitted))
        let fraction = millis - millis.floorDivided(by: 1000) * 1000
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Parses with or without fractional seconds; nil when the text is not such a timestamp.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash)
            .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (dates before 1970 keep a positive fraction).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
