import Foundation
import Testing
import TesseraCore

/// Glacier's timestamp text.
struct ISO8601TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_332_263_023.25)
        #expect(ISO8601Timestamp.format(date) == "2012-03-20T17:03:43.250Z")
        #expect(ISO8601Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test(arguments: ["2012-03-20T17:03:43.221Z", "2012-03-20T17:03:43.001Z", "2012-03-20T17:03:43.999Z", "1969-12-31T23:59:59.123Z"])
    func millisecondsSurviveParseAndFormat(_ text: String) throws {
        // Most millisecond values are not exact in binary; formatting must round, not truncate.
        #expect(ISO8601Timestamp.format(try #require(ISO8601Timestamp.parse(text))) == text)
    }

    @Test func millisecondsStoredAsIntegersFormatExactly() {
        let stored = Date(timeIntervalSince1970: Double(1_332_263_023_221 as Int64) / 1000)
        #expect(ISO8601Timestamp.format(stored) == "2012-03-20T17:03:43.221Z")
    }

    @Test func parsesWithAndWithoutFractionalSeconds() throws {
        let withMillis = try #require(ISO8601Timestamp.parse("2012-03-20T17:03:43.221Z"))
        #expect(abs(withMillis.timeIntervalSince1970 - 1_332_263_023.221) < 0.0005)
        let whole = try #require(ISO8601Timestamp.parse("2012-03-20T17:03:43Z"))
        #expect(whole.timeIntervalSince1970 == 1_332_263_023)
    }

    @Test(arguments: ["", "yesterday", "2012-03-20", "2012-13-20T17:03:43Z", "20120320T170343Z"])
    func rejectsOtherText(_ text: String) {
        #expect(ISO8601Timestamp.parse(text) == nil, "\"\(text)\" should be rejected")
    }
}
