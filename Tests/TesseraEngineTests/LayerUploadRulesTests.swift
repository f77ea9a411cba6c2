import Foundation
import Testing
import TesseraCore
import TesseraResumableSHA256
import TesseraEngine
import TesseraStorage

/// `LayerUploadRules`: where a part may go, when an upload may complete, and which part is a retry, as
/// plain functions of an upload's state.
struct LayerUploadRulesTests {
    static let mib: Int64 = 1 << 20
    static let uploadID = "upload-1"
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func upload(received: Int64, parts: Int64) -> LayerUploadRecord {
        LayerUploadRecord(id: uploadID, repositoryID: "repository-1", createdAt: start, updatedAt: start, receivedBytes: received,
                          partCount: parts, hashState: ResumableSHA256().savedState)
    }

    static func part(_ position: Int64, first: Int64, length: Int64, seed: String = "part") -> LayerPartRecord {
        LayerPartRecord(uploadID: uploadID, position: position, firstByte: first, length: length, blob: SHA256Value.of(Array(seed.utf8)))
    }

    /// The error `checkPart` throws, or nil when it accepts the part.
    static func partRefusal(_ upload: LayerUploadRecord, first: Int64, last: Int64, length: Int64,
                            limits: RegistryLimits = .privateRegistry) -> RegistryError? {
        do {
            try LayerUploadRules.checkPart(upload, firstByte: first, lastByte: last, length: length, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    static func completionRefusal(_ parts: [LayerPartRecord], limits: RegistryLimits = .privateRegistry) -> RegistryError? {
        do {
            try LayerUploadRules.checkCompletion(uploadID: uploadID, parts: parts, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    static func isLimitExceeded(_ error: RegistryError?) -> Bool {
        if case .limitExceeded = error { return true }
        return false
    }

    // MARK: checkPart

    @Test func theFirstPartStartsAtByteZero() {
        #expect(Self.partRefusal(Self.upload(received: 0, parts: 0), first: 0, last: 9, length: 10) == nil)
    }

    @Test func aPartThatStartsWhereTheUploadStandsIsAccepted() {
        #expect(Self.partRefusal(Self.upload(received: 5 * Self.mib, parts: 1), first: 5 * Self.mib, last: 6 * Self.mib - 1,
                                 length: Self.mib) == nil)
    }

    @Test(arguments: [Int64(0), 4, 6, 100])
    func aPartThatDoesNotStartWhereTheUploadStandsIsRefused(first: Int64) {
        let refusal = Self.partRefusal(Self.upload(received: 5, parts: 1), first: first, last: first + 9, length: 10)
        #expect(refusal == .partOutOfOrder(uploadID: Self.uploadID, expectedFirstByte: 5))
    }

    @Test func aRangeLongerThanThePartIsRefused() {
        #expect(Self.partRefusal(Self.upload(received: 0, parts: 0), first: 0, last: 10, length: 10)
                == .partLengthMismatch(uploadID: Self.uploadID, firstByte: 0, lastByte: 10, length: 10, expectedFirstByte: 0))
    }

    @Test func aRangeShorterThanThePartIsRefused() {
        #expect(Self.partRefusal(Self.upload(received: 20, parts: 2), first: 20, last: 28, length: 10)
                == .partLengthMismatch(uploadID: Self.uploadID, firstByte: 20, lastByte: 28, length: 10, expectedFirstByte: 20))
    }

    @Test func aRangeThatEndsBeforeItStartsIsRefused() {
        #expect(Self.partRefusal(Self.upload(received: 20, parts: 2), first: 20, last: 19, length: 0)
                == .partLengthMismatch(uploadID: Self.uploadID, firstByte: 20, lastByte: 19, length: 0, expectedFirstByte: 20))
    }

    @Test func aNegativeFirstByteIsAnInvalidParameter() {
        let refusal = Self.partRefusal(Self.upload(received: 0, parts: 0), first: -1, last: 8, length: 10)
        guard case .invalidParameter(let member, _) = refusal else {
            Issue.record("expected invalidParameter, got \(String(describing: refusal))")
            return
        }
        #expect(member == "partFirstByte")
    }

    @Test func aNegativeLastByteIsAnInvalidParameter() {
        let refusal = Self.partRefusal(Self.upload(received: 0, parts: 0), first: 0, last: -1, length: 0)
        guard case .invalidParameter(let member, _) = refusal else {
            Issue.record("expected invalidParameter, got \(String(describing: refusal))")
            return
        }
        #expect(member == "partLastByte")
    }

    @Test(arguments: [(RegistryLimits.privateRegistry, Int64(4200)), (RegistryLimits.publicRegistry, Int64(1000))])
    func anUploadTakesAtMostTheRegistrysPartCount(limits: RegistryLimits, maximum: Int64) {
        #expect(Self.partRefusal(Self.upload(received: 100, parts: maximum - 1), first: 100, last: 109, length: 10, limits: limits) == nil)
        let refusal = Self.partRefusal(Self.upload(received: 100, parts: maximum), first: 100, last: 109, length: 10, limits: limits)
        #expect(Self.isLimitExceeded(refusal), "got \(String(describing: refusal))")
    }

    @Test(arguments: [(RegistryLimits.privateRegistry, Int64(52_000) << 20), (RegistryLimits.publicRegistry, Int64(10_000) << 20)])
    func aLayerIsAtMostTheRegistrysLayerSize(limits: RegistryLimits, maximum: Int64) {
        let first = maximum - 10
        #expect(Self.partRefusal(Self.upload(received: first, parts: 3), first: first, last: maximum - 1, length: 10, limits: limits) == nil)
        let refusal = Self.partRefusal(Self.upload(received: first, parts: 3), first: first, last: maximum, length: 11, limits: limits)
        #expect(Self.isLimitExceeded(refusal), "got \(String(describing: refusal))")
    }

    @Test func theTwoRegistriesHaveTheDocumentedQuotas() {
        #expect(RegistryLimits.privateRegistry.maximumParts == 4200)
        #expect(RegistryLimits.privateRegistry.maximumLayerSize == 52_000 * Self.mib)
        #expect(RegistryLimits.privateRegistry.maximumNameLength == 256)
        #expect(RegistryLimits.publicRegistry.maximumParts == 1000)
        #expect(RegistryLimits.publicRegistry.maximumLayerSize == 10_000 * Self.mib)
        #expect(RegistryLimits.publicRegistry.maximumNameLength == 205)
        #expect(RegistryLimits.privateRegistry.minimumPartSize == 5 * Self.mib)
        #expect(RegistryLimits.privateRegistry.maximumPartSize == 20 * Self.mib)
    }

    // MARK: checkCompletion

    @Test func anUploadWithNoPartsCannotComplete() {
        #expect(Self.completionRefusal([]) == .emptyUpload(uploadID: Self.uploadID))
    }

    @Test func aSmallPartThatIsNotTheLastIsRefused() {
        let parts = [Self.part(0, first: 0, length: 5 * Self.mib), Self.part(1, first: 5 * Self.mib, length: 5 * Self.mib - 1),
                     Self.part(2, first: 10 * Self.mib - 1, length: 5 * Self.mib)]
        #expect(Self.completionRefusal(parts)
                == .partTooSmall(uploadID: Self.uploadID, position: 1, length: 5 * Self.mib - 1, minimum: 5 * Self.mib))
    }

    @Test func aSmallLastPartIsAccepted() {
        let parts = [Self.part(0, first: 0, length: 5 * Self.mib), Self.part(1, first: 5 * Self.mib, length: 1)]
        #expect(Self.completionRefusal(parts) == nil)
    }

    @Test func aSmallOnlyPartIsAccepted() {
        #expect(Self.completionRefusal([Self.part(0, first: 0, length: 1)]) == nil)
    }

    // MARK: isRepeatOfLastPart

    @Test func theLastPartSentAgainIsARepeat() {
        let last = Self.part(1, first: 100, length: 50, seed: "b")
        #expect(LayerUploadRules.isRepeatOfLastPart(last, firstByte: 100, length: 50, blob: SHA256Value.of(Array("b".utf8))))
    }

    @Test func aPartWithOtherBytesOrAnotherPlaceIsNoRepeat() {
        let last = Self.part(1, first: 100, length: 50, seed: "b")
        let blob = SHA256Value.of(Array("b".utf8))
        #expect(!LayerUploadRules.isRepeatOfLastPart(last, firstByte: 100, length: 50, blob: SHA256Value.of(Array("c".utf8))))
        #expect(!LayerUploadRules.isRepeatOfLastPart(last, firstByte: 0, length: 50, blob: blob))
        #expect(!LayerUploadRules.isRepeatOfLastPart(last, firstByte: 100, length: 49, blob: blob))
        #expect(!LayerUploadRules.isRepeatOfLastPart(nil, firstByte: 0, length: 50, blob: blob))
    }
}
