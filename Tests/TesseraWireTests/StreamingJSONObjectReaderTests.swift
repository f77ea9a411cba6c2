import Foundation
import Testing
@testable import TesseraWire

/// The UploadLayerPart body reader: the same answer whatever pieces the body arrives in, the blob decoded as it
/// streams in any member order, and every malformed body refused.
struct StreamingJSONObjectReaderTests {
    /// Reads `body` fed in pieces of `piece` bytes; returns the reader and the decoded blob.
    func read(_ body: String, piece: Int) throws -> (StreamingJSONObjectReader, [UInt8]) {
        var reader = StreamingJSONObjectReader(streamedMember: "layerPartBlob")
        var decoded: [UInt8] = []
        let bytes = Array(body.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            try bytes[offset..<end].withUnsafeBytes { try reader.feed($0) }
            decoded += reader.takeDecoded()
            offset = end
        }
        try reader.finish()
        return (reader, decoded)
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64, 100_000])
    func anySplitGivesTheSameMembersAndBytes(piece: Int) throws {
        let blob = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let body = """
            {"repositoryName": "team/app", "uploadId": "u-1", "partFirstByte": 0, "partLastByte": 999,
             "layerPartBlob": "\(Data(blob).base64EncodedString())", "registryId": null}
            """
        let (reader, decoded) = try read(body, piece: piece)
        #expect(decoded == blob)
        #expect(reader.members["repositoryName"] == .string("team/app"))
        #expect(reader.members["partLastByte"]?.int64 == 999)
        #expect(reader.members["registryId"] == .null)
        #expect(reader.membersBeforeStream?["uploadId"] == .string("u-1"))
        #expect(reader.membersBeforeStream?["registryId"] == nil)
    }

    @Test func aBlobBeforeTheOtherMembersIsReadAsWell() throws {
        let (reader, decoded) = try read(#"{"layerPartBlob":"AAEC","uploadId":"x","partFirstByte":5}"#, piece: 3)
        #expect(decoded == [0, 1, 2])
        #expect(reader.membersBeforeStream == [:])
        #expect(reader.members["uploadId"] == .string("x"))
    }

    @Test(arguments: ["", "QQ==", "QUI=", "QUJD", "QUJDRA=="])
    func paddingOfEveryLengthDecodes(text: String) throws {
        let (_, decoded) = try read(#"{"layerPartBlob":"\#(text)"}"#, piece: 1)
        #expect(Data(decoded) == Data(base64Encoded: text))
    }

    @Test func escapesInsideTheBlobAndTheStringsAreResolved() throws {
        let (reader, decoded) = try read(#"{"layerPartBlob":"\/w\u003d\u003d","name":"a\"b\u00e9\ud83d\ude00"}"#, piece: 2)
        #expect(decoded == [0xFF])
        #expect(reader.members["name"] == .string("a\"bé😀"))
    }

    @Test(arguments: [
        #"{"layerPartBlob":"QQ=A"}"#, #"{"layerPartBlob":"Q"}"#, #"{"layerPartBlob":"Q!=="}"#, #"{"layerPartBlob":"=AAA"}"#,
    ])
    func invalidBase64IsRefused(body: String) {
        #expect(throws: StreamingJSONError.self) { try read(body, piece: 1) }
    }

    @Test(arguments: [
        #"{"a":1,"a":2}"#, #"{"a":{"b":1}}"#, #"{"a":[1]}"#, #"{"a":1} x"#, #"{"a":1"#, #"{"a":01}"#, #"{"a":1.}"#,
        #"{"a":tru}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, "[1]", #"{"a" 1}"#, "{\"a\":\"\u{01}\"}", #"{"layerPartBlob":5}"#,
    ])
    func malformedBodiesAreRefused(body: String) {
        #expect(throws: StreamingJSONError.self) { try read(body, piece: 1) }
    }

    @Test func numbersKeepTheirText() throws {
        let (reader, _) = try read(#"{"a":-12,"b":3.5e2,"c":0,"d":true,"e":false}"#, piece: 4)
        #expect(reader.members["a"]?.int64 == -12)
        #expect(reader.members["b"] == .number("3.5e2"))
        #expect(reader.members["b"]?.int64 == nil)
        #expect(reader.members["d"] == .bool(true))
    }

    @Test func aStringLongerThanTheLimitIsRefused() {
        var reader = StreamingJSONObjectReader(streamedMember: "blob", maxScalarLength: 4)
        let body = Array(#"{"name":"abcdef"}"#.utf8)
        #expect(throws: StreamingJSONError.self) { try body.withUnsafeBytes { try reader.feed($0) } }
    }
}
