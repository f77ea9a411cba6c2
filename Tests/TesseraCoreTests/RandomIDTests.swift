import Testing
import TesseraCore

/// Ids the server hands out.
struct RandomIDTests {
    @Test func idsAreURLSafeAndNeverStartLikeAnOption() {
        for _ in 0..<2000 {
            let id = RandomID.urlSafe(length: 92)
            #expect(id.count == 92)
            #expect(id.first.map { $0.isLetter || $0.isNumber } == true, "\(id)")
            #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
    }
}
