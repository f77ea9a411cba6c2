import Testing
import TesseraCore

/// `RangeHeader`: a single-range `Range: bytes=…` header (RFC 9110 §14.1.2) against a representation of
/// `total` bytes, clipped to its end.
struct RangeHeaderTests {
    @Test func aClosedRangeIsTheBytesItNames() {
        #expect(RangeHeader.parse("bytes=0-99", total: 1000) == 0..<100)
        #expect(RangeHeader.parse("bytes=500-999", total: 1000) == 500..<1000)
    }

    @Test func aSingleByteRange() {
        #expect(RangeHeader.parse("bytes=7-7", total: 10) == 7..<8)
    }

    @Test func aLastBytePastTheEndIsClippedToTheEnd() {
        #expect(RangeHeader.parse("bytes=900-5000", total: 1000) == 900..<1000)
        #expect(RangeHeader.parse("bytes=0-9223372036854775806", total: 3) == 0..<3)
    }

    @Test func anOpenRangeRunsToTheEnd() {
        #expect(RangeHeader.parse("bytes=250-", total: 1000) == 250..<1000)
        #expect(RangeHeader.parse("bytes=999-", total: 1000) == 999..<1000)
    }

    @Test func aSuffixRangeIsTheLastBytes() {
        #expect(RangeHeader.parse("bytes=-100", total: 1000) == 900..<1000)
    }

    @Test func aSuffixLongerThanTheRepresentationIsAllOfIt() {
        #expect(RangeHeader.parse("bytes=-5000", total: 1000) == 0..<1000)
    }

    @Test func aRangeStartingAtOrPastTheEndIsUnsatisfiable() {
        #expect(RangeHeader.parse("bytes=1000-", total: 1000) == nil)
        #expect(RangeHeader.parse("bytes=1000-1001", total: 1000) == nil)
        #expect(RangeHeader.parse("bytes=0-", total: 0) == nil)
    }

    @Test func noSuffixRangeOfAnEmptyRepresentationIsSatisfiable() {
        #expect(RangeHeader.parse("bytes=-1", total: 0) == nil)
    }

    @Test func aZeroLengthSuffixIsUnsatisfiable() {
        #expect(RangeHeader.parse("bytes=-0", total: 1000) == nil)
    }

    @Test func aLastByteBeforeTheFirstIsRefused() {
        #expect(RangeHeader.parse("bytes=10-9", total: 1000) == nil)
    }

    @Test(arguments: [
        "bytes=0-1,5-6",      // several ranges
        "bytes=0-1, 5-6",
        "bytes=-",            // neither end
        "bytes=a-b",
        "bytes=1-b",
        "bytes=+1-2",
        "bytes=1--2",
        "bytes= 0-1",         // whitespace
        "bytes=0-1 ",
        "bytes 0-1",          // Content-Range's form
        "items=0-1",          // another unit
        "0-1",
        "",
        "bytes=99999999999999999999-",   // does not fit 64 bits
        "bytes=-99999999999999999999",
        "bytes=٣-٤",          // digits that are not ASCII
    ])
    func malformedHeadersAreRefused(header: String) {
        #expect(RangeHeader.parse(header, total: 1000) == nil)
    }

    @Test
    func theRangeUnitIsCaseInsensitive() {
        #expect(RangeHeader.parse("Bytes=0-99", total: 1000) == 0..<100)
        #expect(RangeHeader.parse("BYTES=-10", total: 1000) == 990..<1000)
    }
}
