import Foundation

/// SigV4 timestamps: ISO-8601 basic `YYYYMMDD'T'HHMMSS'Z'` (UTC), held as whole seconds since 1970.
public struct SigV4Timestamp: Sendable, Equatable, Comparable {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var epochSeconds: Int64

    /// A timestamp at `epochSeconds`.
    public init(epochSeconds: Int64) {
        self.epochSeconds = epochSeconds
    }

    /// `date` truncated to whole seconds (clamped to a sane range for non-finite or absurd values).
    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        let limit = 253_402_300_799.0 // 9999-12-31T23:59:59Z
        let clamped = seconds.isFinite ? min(max(seconds, -limit), limit) : 0
        self.epochSeconds = Int64(clamped.rounded(.down))
    }

    /// Parses `YYYYMMDD'T'HHMMSS'Z'` strictly; nil if malformed or not a real calendar time.
    public init?(iso8601Basic text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Parses an RFC 1123 HTTP date such as `Fri, 25 May 2012 00:24:53 GMT` (zone `GMT`, `UTC`, `+0000` or
    /// `-0000`, the last being what botocore's `formatdate` writes); nil if malformed. Its numbers are digits
    /// only: `Int` alone would also read a sign, and a year such as `-024` has no ISO 8601 basic form to sign.
    public init?(rfc1123 text: String) {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        func number(_ text: Substring) -> Int? {
            text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ? Int(text) : nil
        }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0].hasSuffix(","), ["GMT", "UTC", "+0000", "-0000"].contains(parts[5]),
              let day = number(parts[1]), let monthIndex = months.firstIndex(of: parts[2].lowercased()),
              let year = number(parts[3]), parts[3].count == 4
        else { return nil }
        let clock = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
              let hour = number(clock[0]), let minute = number(clock[1]), let second = number(clock[2])
        else { return nil }
        self.init(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
    }

    private init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute),
              (0...59).contains(second), day >= 1, day <= Self.daysInMonth(year: year, month: month)
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        epochSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'`.
    public var iso8601Basic: String {
        let days = Int(epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400)
        let secondOfDay = Int(epochSeconds - Int64(days) * 86_400)
        let (year, month, day) = Self.civilFromDays(days)
        return Self.pad(year, 4) + Self.pad(month, 2) + Self.pad(day, 2) + "T"
            + Self.pad(secondOfDay / 3600, 2) + Self.pad(secondOfDay / 60 % 60, 2) + Self.pad(secondOfDay % 60, 2) + "Z"
    }

    /// `YYYYMMDD`, the credential-scope date.
    public var dateStamp: String { String(iso8601Basic.prefix(8)) }

    /// This timestamp moved by `seconds`.
    public func adding(seconds: Int64) -> SigV4Timestamp {
        SigV4Timestamp(epochSeconds: epochSeconds + seconds)
    }

    public static func < (lhs: SigV4Timestamp, rhs: SigV4Timestamp) -> Bool {
        lhs.epochSeconds < rhs.epochSeconds
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 = 1970-01-01).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
