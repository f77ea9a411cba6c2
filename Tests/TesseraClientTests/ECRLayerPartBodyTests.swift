import Foundation
import NIOCore
import Testing
import TesseraClient

/// The UploadLayerPart body: valid JSON whose blob decodes to the part, however the part was sliced.
struct ECRLayerPartBodyTests {
    @Test(arguments: [0, 1, 2, 3, 4, 5, 100, 1000, 65_537])
    func encodesThePartWhateverTheSlices(length: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var body = ECRLayerPartBody(repository: "team/app", uploadID: "u-\"1\"", first: 7, last: Int64(7 + length - 1))
        var offset = 0
        while offset < length {
            let slice = min(Int.random(in: 1...7, using: &generator), length - offset)
            body.append(ByteBuffer(bytes: bytes[offset..<offset + slice]))
            offset += slice
        }
        let buffer = body.finish()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
        #expect(object["repositoryName"] as? String == "team/app")
        #expect(object["uploadId"] as? String == "u-\"1\"")
        #expect((object["partFirstByte"] as? NSNumber)?.intValue == 7)
        let blob = try #require(object["layerPartBlob"] as? String)
        #expect(blob == Data(bytes).base64EncodedString())
    }
}
