import Crypto
import Testing
import TesseraCore
import TesseraResumableSHA256

/// The layer hash kept between parts: any split, saved and resumed between every piece, gives the one-shot
/// SHA-256, on whichever compression the machine uses.
struct ResumableSHA256Tests {
    @Test(arguments: [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 65_537, 1 << 20])
    func savedAndResumedAtRandomSplitsEqualsOneShot(length: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var hasher = ResumableSHA256()
        var offset = 0
        while offset < length {
            let piece = Int.random(in: 0...min(length - offset, 70_000), using: &generator)
            hasher.update(Array(bytes[offset..<(offset + piece)]))
            offset += piece
            let saved = hasher.savedState
            #expect(saved.count == ResumableSHA256.savedStateLength)
            hasher = try #require(ResumableSHA256(savedState: saved))
        }
        #expect(hasher.finalize() == SHA256Value.of(bytes))
        #expect(hasher.byteCount == Int64(length))
    }

    @Test func finalizingDoesNotEndTheComputation() {
        var hasher = ResumableSHA256()
        hasher.update(Array("hello ".utf8))
        #expect(hasher.finalize() == SHA256Value.of(Array("hello ".utf8)))
        hasher.update(Array("world".utf8))
        #expect(hasher.finalize() == SHA256Value.of(Array("hello world".utf8)))
    }

    @Test func theEmptyInputHashesToTheKnownValue() {
        #expect(ResumableSHA256().finalize().hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func aSavedStateOfTheWrongShapeIsRefused() {
        #expect(ResumableSHA256(savedState: []) == nil)
        #expect(ResumableSHA256(savedState: [UInt8](repeating: 0, count: 107)) == nil)
        var inconsistent = ResumableSHA256().savedState
        inconsistent[39] = 5  // five bytes counted, none buffered
        #expect(ResumableSHA256(savedState: inconsistent) == nil)
    }
}
