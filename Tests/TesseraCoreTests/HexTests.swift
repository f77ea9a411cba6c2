import Testing
import TesseraCore

/// `Hex` and `SHA256Value`'s hex forms.
struct HexTests {
    @Test func encodesLowerCase() {
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0x00, 0x0f, 0x10, 0xab, 0xff]) == "000f10abff")
    }

    @Test func decodesEitherCase() {
        #expect(Hex.decode("000f10abff") == [0x00, 0x0f, 0x10, 0xab, 0xff])
        #expect(Hex.decode("ABCDEF") == [0xab, 0xcd, 0xef])
        #expect(Hex.decode("aBcD") == [0xab, 0xcd])
        #expect(Hex.decode("") == [])
    }

    @Test(arguments: ["0", "abc", "0g", "g0", "zz", " 00", "00 ", "0x00", "-1", "é0"])
    func rejectsWhatIsNotEvenLengthHex(_ text: String) {
        #expect(Hex.decode(text) == nil, "\"\(text)\" should be rejected")
    }

    @Test func roundTripsEveryByteValue() {
        let all = (0...255).map(UInt8.init)
        let text = Hex.encode(all)
        #expect(text.utf8.count == 512)
        #expect(Hex.decode(text) == all)
        #expect(Hex.decode(text.uppercased()) == all)
    }

    @Test func sha256ValueParsesExactlySixtyFourHexDigits() throws {
        let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        let value = try #require(SHA256Value(hex: hex))
        #expect(value == SHA256Value.empty)
        #expect(value.hex == hex)
        #expect(SHA256Value(hex: hex.uppercased()) == value)
        #expect(SHA256Value(hex: String(hex.dropLast())) == nil)
        #expect(SHA256Value(hex: hex + "00") == nil)
        #expect(SHA256Value(hex: String(hex.dropLast()) + "g") == nil)
        #expect(SHA256Value(bytes: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(SHA256Value(bytes: [UInt8](repeating: 0, count: 32))?.hex == String(repeating: "0", count: 64))
    }
}
