import Testing
import TesseraCore

/// `InclusiveByteRange`: Content-Range headers and the dashed `FIRST-LAST` form.
struct ContentRangeTests {
    @Test func parsesAFirstMebibytePart() throws {
        let range = try #require(InclusiveByteRange(contentRange: "bytes 0-1048575/*"))
        #expect(range.first == 0)
        #expect(range.last == 1_048_575)
        #expect(range.count == 1_048_576)
        #expect(range.halfOpen == 0..<1_048_576)
        #expect(range.description == "0-1048575")
    }

    @Test func parsesALaterPartWithANumericTotal() throws {
        let range = try #require(InclusiveByteRange(contentRange: "bytes 2097152-2100000/2100001"))
        #expect(range.first == 2_097_152)
        #expect(range.last == 2_100_000)
        #expect(range.count == 2_849)
    }

    @Test func acceptsASingleByte() throws {
        let range = try #require(InclusiveByteRange(contentRange: "bytes 7-7/*"))
        #expect(range.count == 1)
    }

    @Test(arguments: [
        "0-1048575/*",            // missing "bytes "
        "bytes=0-1048575/*",      // the Range header's form, not Content-Range's
        "bytes  0-1048575/*",     // two spaces
        "bytes -1-1048575/*",     // negative first
        "bytes 0--1/*",           // negative last
        "bytes 10-9/*",           // last before first
        "bytes a-9/*",            // non-digits
        "bytes 0-9x/*",
        "bytes 0x0-9/*",
        "bytes +0-9/*",
        "bytes 0-9/abc",          // non-numeric total
        "bytes 0-9/",             // empty total
        "bytes 0-9/1-2",
        "bytes 0-9",              // no total at all
        "bytes 0-/*",             // missing last
        "bytes -9/*",             // missing first
        "bytes 0-9-10/*",         // three numbers
        "bytes 0 - 9/*",          // spaces
        "bytes 0-99999999999999999999/*", // overflows Int64
        "bytes 0-99/50", // ends past the stated total
        "bytes 0-99/100x",
        "",
        "bytes ",
    ])
    func rejectsMalformedContentRange(_ text: String) {
        #expect(InclusiveByteRange(contentRange: text) == nil, "\"\(text)\" should be rejected")
    }

    @Test func parsesTheDashedForm() throws {
        let range = try #require(InclusiveByteRange(dashed: "1048576-2097151"))
        #expect(range == InclusiveByteRange(first: 1_048_576, last: 2_097_151))
        #expect(range.description == "1048576-2097151")
        #expect(InclusiveByteRange(dashed: range.description) == range)
    }

    @Test(arguments: ["", "-", "1-", "-1", "2-1", "1-2-3", " 1-2", "1-2 ", "a-b"])
    func rejectsMalformedDashedForm(_ text: String) {
        #expect(InclusiveByteRange(dashed: text) == nil, "\"\(text)\" should be rejected")
    }

    /// Found by the content-range fuzz target: a range ending at Int64.max trapped computing its count,
    /// which Glacier's UploadMultipartPart and the OCI door's chunk uploads do right after parsing.
    @Test func refusesARangeWhoseCountWouldOverflow() throws {
        #expect(InclusiveByteRange(contentRange: "bytes 0-9223372036854775807/*") == nil)
        #expect(InclusiveByteRange(dashed: "1048576-9223372036854775807") == nil)
        #expect(InclusiveByteRange(first: 0, last: .max) == nil)
        let widest = try #require(InclusiveByteRange(contentRange: "bytes 0-9223372036854775806/*"))
        #expect(widest.count == .max)
        #expect(widest.halfOpen == 0..<Int64.max)
    }

    @Test func memberwiseInitRefusesNegativeAndBackwardRanges() {
        #expect(InclusiveByteRange(first: -1, last: 5) == nil)
        #expect(InclusiveByteRange(first: 5, last: 4) == nil)
        #expect(InclusiveByteRange(first: 0, last: 0)?.count == 1)
    }
}
