import Foundation
import NIOCore
import Testing
import TesseraClient

/// The UploadLayerPart body: valid JSON whose blob decodes to the part, its pieces adding up to its length,
/// and the same bytes each time it is made (a retry sends it again).
struct ECRLayerPartBodyTests {
    @Test(arguments: [1, 2, 3, 4, 5, 100, 1000, 3 << 14, (3 << 14) + 1, (3 << 14) + 2, (3 << 15) - 1, 1 << 20])
    func encodesThePart(length: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var part = ByteBuffer(bytes: [9, 9, 9] + bytes)
        part.moveReaderIndex(forwardBy: 3)   // a part that does not start at its buffer's index 0
        let body = ECRLayerPartBody(repository: "team/app", uploadID: "u-\"1\"", first: 7, part: part)
        let made = Self.bytes(of: body)
        #expect(made.count == body.length)
        #expect(Self.bytes(of: body) == made)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(made)) as? [String: Any])
        #expect(object["repositoryName"] as? String == "team/app")
        #expect(object["uploadId"] as? String == "u-\"1\"")
        #expect((object["partFirstByte"] as? NSNumber)?.intValue == 7)
        #expect((object["partLastByte"] as? NSNumber)?.intValue == 7 + length - 1)
        let blob = try #require(object["layerPartBlob"] as? String)
        #expect(blob == Data(bytes).base64EncodedString())
    }

    private static func bytes(of body: ECRLayerPartBody) -> [UInt8] {
        var all: [UInt8] = []
        var index = 0
        while let piece = body.piece(index) {
            all += piece.readableBytesView
            index += 1
        }
        return all
    }
}
