import Foundation
import TesseraEngine
import TesseraWire

/// JSON request bodies: the Codable shapes the Glacier, EBS, ECR and ECR Public doors decode
/// (TesseraWire, a few in TesseraEngine), and the streaming reader of UploadLayerPart bodies.
extension FuzzTarget {
    /// Input: one byte naming the shape (see ``JSONShapeChecks/shapes``), then the JSON body.
    static let jsonShapes = FuzzTarget(
        name: "json-shapes", maxLength: 4096,
        summary: "JSON request bodies of the Glacier, EBS, ECR and ECR Public doors, the shape picked by the first byte"
    ) { bytes in
        guard let selector = bytes.first else { return }
        let shapes = JSONShapeChecks.shapes
        let shape = shapes.first { $0.selector == selector } ?? shapes[Int(selector) % shapes.count]
        shape.run(Data(bytes.dropFirst()))
    }

    /// ECR UploadLayerPart bodies, read as they stream: the same body fed whole and in pieces gives the
    /// same result, and whatever the reader accepts is JSON that JSONSerialization reads alike.
    ///
    /// Input: one control byte (bits 0–5: piece size minus one; bit 7: a 24-byte limit on keys and
    /// kept strings instead of the server's 64 KiB), then the body.
    static let jsonStream = FuzzTarget(
        name: "json-stream", maxLength: 4096,
        summary: "UploadLayerPart bodies through StreamingJSONObjectReader, whole and in pieces, against JSONSerialization"
    ) { bytes in
        guard let control = bytes.first else { return }
        let body = Array(bytes.dropFirst())
        let limit = control & 0x80 != 0 ? 24 : 65_536
        let whole = JSONStreamChecks.read(body, pieceSize: max(body.count, 1), limit: limit)
        let pieces = JSONStreamChecks.read(body, pieceSize: Int(control & 0x3F) + 1, limit: limit)
        check(whole == pieces, "\(text(body).debugDescription) read whole gave \(whole), in pieces of \(Int(control & 0x3F) + 1) \(pieces)")
        // JSONSerialization refuses numbers beyond a Double's range, which JSON's grammar allows (and
        // which the door's Int64 conversion then refuses).
        let finite = whole.members.values.allSatisfy { value in
            guard case .number(let number) = value else { return true }
            return Double(number)?.isFinite ?? false
        }
        if whole.error == nil && finite {
            JSONStreamChecks.compareWithFoundation(body, whole)
        }
    }
}

enum JSONShapeChecks {
    struct Shape: Sendable {
        let selector: UInt8
        let run: @Sendable (Data) -> Void
    }

    /// The shapes, each with the byte that picks it in the seeds.
    static let shapes: [Shape] = [
        Shape(selector: UInt8(ascii: "j")) { roundTripEncoded(GlacierJobParametersInput.self, $0) },
        Shape(selector: UInt8(ascii: "i")) { roundTrip(GlacierInventoryRetrievalParameters.self, $0) },
        Shape(selector: UInt8(ascii: "v")) { roundTrip(InventoryParameters.self, $0) },
        Shape(selector: UInt8(ascii: "s")) { roundTripEncoded(EBSStartSnapshotInput.self, $0) },
        Shape(selector: UInt8(ascii: "t")) { roundTrip([EBSTag].self, $0) },
        Shape(selector: UInt8(ascii: "m")) { decodeOnly(ECRImageRequest.self, $0) },
        Shape(selector: UInt8(ascii: "r")) { decodeOnly(ECRRepositoryRequest.self, $0) },
        Shape(selector: UInt8(ascii: "c")) { decodeOnly(ECRCreateRepositoryInput.self, $0) },
        Shape(selector: UInt8(ascii: "l")) { decodeOnly(ECRLayerRequest.self, $0) },
        Shape(selector: UInt8(ascii: "p")) { decodeOnly(ECRSettingsRequest.self, $0) },
        Shape(selector: UInt8(ascii: "g")) { catalogData($0) },
        Shape(selector: UInt8(ascii: "x")) { exclusionFilters($0) },
        Shape(selector: UInt8(ascii: "d")) { roundTrip(JSONDocument.self, $0) },
    ]

    /// Decodes, encodes and decodes again: the same value.
    @discardableResult
    static func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ data: Data) -> T? {
        guard let value = try? JSONDecoder().decode(T.self, from: data) else { return nil }
        let encoded: Data
        do {
            encoded = try JSONEncoder().encode(value)
        } catch {
            check(false, "\(T.self) \(value) does not encode: \(error)")
            return nil
        }
        let again = try? JSONDecoder().decode(T.self, from: encoded)
        check(again == value, "\(T.self) \(value) encoded as \(text(encoded).debugDescription) decodes to \(String(describing: again))")
        return value
    }

    /// The same for shapes that are not Equatable: encoding the decoded value twice gives the same bytes.
    static func roundTripEncoded<T: Codable>(_ type: T.Type, _ data: Data) {
        guard let value = try? JSONDecoder().decode(T.self, from: data) else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let encoded = try? encoder.encode(value) else { return check(false, "\(T.self) \(value) does not encode") }
        let again = (try? JSONDecoder().decode(T.self, from: encoded)).flatMap { try? encoder.encode($0) }
        check(again == encoded, "\(T.self) encoded as \(text(encoded).debugDescription) comes back as \(again.map { text($0) } ?? "nothing")")
    }

    static func decodeOnly<T: Decodable>(_ type: T.Type, _ data: Data) {
        _ = try? JSONDecoder().decode(T.self, from: data)
    }

    /// ECR Public's catalog data, as CreateRepository and PutRepositoryCatalogData take and return it.
    static func catalogData(_ data: Data) {
        guard let input = roundTrip(ECRCatalogDataInput.self, data) else { return }
        let output = ECRCatalogData(input)
        check((try? JSONEncoder().encode(output)) != nil, "catalog data \(output) does not encode")
    }

    /// imageTagMutabilityExclusionFilters: checked for each setting; the stored JSON reads back.
    static func exclusionFilters(_ data: Data) {
        guard let filters = roundTrip([TagMutability.ExclusionFilter].self, data) else { return }
        for setting in TagMutability.settings {
            guard let mutability = try? TagMutability(setting: setting, filters: filters) else { continue }
            _ = mutability.allowsMoving("latest")
            if !filters.isEmpty {
                check(TagMutability.filters(fromJSON: mutability.filtersJSON) == filters, "filters \(filters) do not read back")
            }
        }
    }
}

enum JSONStreamChecks {
    static let streamedMember = "layerPartBlob"

    /// What a reader made of a body.
    struct Outcome: Equatable, CustomStringConvertible {
        var error: StreamingJSONError.Kind?
        var members: [String: JSONScalar] = [:]
        var membersBeforeStream: [String: JSONScalar]?
        var decoded: [UInt8] = []

        var description: String {
            if let error { return "error \(error)" }
            return "members \(members), before the stream \(String(describing: membersBeforeStream)), \(decoded.count) bytes decoded"
        }
    }

    /// Feeds `body` in pieces of `pieceSize`, each in a buffer of exactly its size (so that AddressSanitizer
    /// catches a read past its end), taking the decoded bytes after each piece as the door does.
    static func read(_ body: [UInt8], pieceSize: Int, limit: Int) -> Outcome {
        var reader = StreamingJSONObjectReader(streamedMember: streamedMember, maxScalarLength: limit)
        var outcome = Outcome()
        var offset = 0
        do throws(StreamingJSONError) {
            while offset < body.count {
                let end = min(offset + pieceSize, body.count)
                let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: end - offset, alignment: 1)
                defer { piece.deallocate() }
                piece.copyBytes(from: body[offset..<end])
                try reader.feed(UnsafeRawBufferPointer(piece))
                outcome.decoded += reader.takeDecoded()
                check(reader.decodedCount == Int64(outcome.decoded.count), "decodedCount \(reader.decodedCount), \(outcome.decoded.count) bytes taken")
                offset = end
            }
            try reader.finish()
        } catch {
            check(!error.message.isEmpty, "an empty error message")
            return Outcome(error: error.kind)
        }
        outcome.members = reader.members
        outcome.membersBeforeStream = reader.membersBeforeStream
        check(reader.sawStreamedMember == (reader.membersBeforeStream != nil), "sawStreamedMember disagrees")
        return outcome
    }

    /// An accepted body is one JSON object, as JSONSerialization reads it: the same members, the same
    /// strings and literals, and the streamed member's base64 decoded to the same bytes. The reader, like
    /// the rest of the server, reads bytes that are not UTF-8 as U+FFFD (JSONSerialization refuses the
    /// body), so the comparison is with the body so repaired.
    static func compareWithFoundation(_ body: [UInt8], _ outcome: Outcome) {
        let parsed = try? JSONSerialization.jsonObject(with: Data(text(body).utf8))
        guard let object = parsed as? [String: Any] else {
            return check(false, "the reader accepted \(text(body).debugDescription), which JSONSerialization refuses")
        }
        check(Set(object.keys.filter { $0 != streamedMember }) == Set(outcome.members.keys),
              "members \(outcome.members.keys.sorted()) but JSONSerialization reads \(object.keys.sorted())")
        for (key, value) in outcome.members {
            switch value {
            case .string(let string):
                check(object[key] as? String == string, "'\(key)' is \(string.debugDescription), JSONSerialization reads \(String(describing: object[key]))")
            case .bool(let bool):
                check(object[key] as? Bool == bool, "'\(key)' is \(bool), JSONSerialization reads \(String(describing: object[key]))")
            case .null:
                check(object[key] is NSNull, "'\(key)' is null, JSONSerialization reads \(String(describing: object[key]))")
            case .number(let number):
                check(object[key] is NSNumber, "'\(key)' is \(number), JSONSerialization reads \(String(describing: object[key]))")
            }
        }
        if let base64 = object[streamedMember] as? String {
            check(outcome.membersBeforeStream != nil, "the streamed member went unnoticed")
            if let bytes = Data(base64Encoded: base64) {
                check(Array(bytes) == outcome.decoded, "\(base64.debugDescription) decoded to \(outcome.decoded), Foundation gives \(Array(bytes))")
            }
        }
    }
}
