import Foundation
import TesseraCore
import TesseraStorage

/// StartSnapshot's parameters as the client sent them.
public struct StartSnapshotParameters: Sendable, Equatable {
    public var volumeSize: Int64?
    public var parentSnapshotID: String?
    public var tags: [SnapshotTag]
    public var description: String?
    public var clientToken: String?
    public var encrypted: Bool?
    public var kmsKeyARN: String?
    public var timeoutMinutes: Int64?

    public init(volumeSize: Int64?, parentSnapshotID: String? = nil, tags: [SnapshotTag] = [], description: String? = nil,
                clientToken: String? = nil, encrypted: Bool? = nil, kmsKeyARN: String? = nil, timeoutMinutes: Int64? = nil) {
        self.volumeSize = volumeSize
        self.parentSnapshotID = parentSnapshotID
        self.tags = tags
        self.description = description
        self.clientToken = clientToken
        self.encrypted = encrypted
        self.kmsKeyARN = kmsKeyARN
        self.timeoutMinutes = timeoutMinutes
    }
}

/// A snapshot tag.
public struct SnapshotTag: Codable, Sendable, Equatable {
    public var Key: String?
    public var Value: String?
    public init(Key: String?, Value: String?) {
        self.Key = Key
        self.Value = Value
    }
}

extension SnapshotService {
    /// StartSnapshot: a new pending snapshot, or the original answer for a repeated ClientToken.
    public func startSnapshot(accountID: String, region: String, _ parameters: StartSnapshotParameters) async throws -> SnapshotRecord {
        guard let volumeSize = parameters.volumeSize else {
            throw SnapshotError.constraint("1 validation error detected: Value null at 'volumeSize' failed to satisfy constraint: Member must not be null")
        }
        guard (1...65_536).contains(volumeSize) else {
            throw SnapshotError.constraint("1 validation error detected: Value '\(volumeSize)' at 'volumeSize' failed to satisfy constraint: Member must have value between 1 and 65536")
        }
        let timeout = parameters.timeoutMinutes ?? 60
        guard (10...4320).contains(timeout) else {
            throw SnapshotError.constraint("1 validation error detected: Value '\(timeout)' at 'timeout' failed to satisfy constraint: Member must have value between 10 and 4320")
        }
        if let description = parameters.description, description.count > 255 {
            throw SnapshotError.constraint("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 255")
        }
        if let token = parameters.clientToken, token.isEmpty || token.count > 255 || token.contains(where: \.isWhitespace) {
            throw SnapshotError.constraint("1 validation error detected: Value '\(token)' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+$ and have length at most 255")
        }
        guard parameters.tags.count <= 50 else {
            throw SnapshotError.validation(.invalidTag, "A snapshot can have at most 50 tags")
        }
        for tag in parameters.tags where (tag.Key ?? "").isEmpty || (tag.Key ?? "").count > 127 || (tag.Value ?? "").count > 255 {
            throw SnapshotError.validation(.invalidTag, "Invalid tag: \(tag.Key ?? "null")")
        }
        if parameters.encrypted == true && parameters.parentSnapshotID != nil {
            throw SnapshotError.validation(.invalidParameterValue, "Encrypted must not be set when ParentSnapshotId is given: the snapshot inherits its parent's encryption")
        }
        let fingerprint = Self.fingerprint(parameters, volumeSize: volumeSize, timeout: timeout)
        if let token = parameters.clientToken,
           let earlier = try await snapshotStorage({ try await metadata.snapshot(accountID: accountID, clientToken: token) }) {
            guard earlier.requestFingerprint == fingerprint, earlier.region == region else {
                throw SnapshotError.conflict("Current request does not match request stored with this token.")
            }
            var original = earlier
            original.status = .pending
            return original
        }
        var lineageRoot: String?
        if let parentID = parameters.parentSnapshotID {
            let current = try await requireSnapshot(parentID, accountID: accountID, region: region)
            switch current.status {
            case .pending: throw SnapshotError.validation(.invalidSnapshotID, "Source snapshot (\(parentID)) is not complete.")
            case .error: throw SnapshotError.snapshotNotFound("The snapshot '\(parentID)' does not exist.")
            case .completed: lineageRoot = current.lineageRoot
            }
            guard volumeSize >= current.volumeSize else {
                throw SnapshotError.validation(.invalidVolumeSize,
                                               "The volume size \(volumeSize) is smaller than the parent snapshot's \(current.volumeSize)")
            }
        }
        let id = "snap-" + RandomID.hex(byteCount: 9).dropLast()
        let tagsJSON = parameters.tags.isEmpty ? nil : (try? JSONEncoder().encode(parameters.tags)).map { String(decoding: $0, as: UTF8.self) }
        let snapshot = SnapshotRecord(
            id: String(id), accountID: accountID, region: region, volumeSize: volumeSize, parentID: parameters.parentSnapshotID,
            lineageRoot: lineageRoot ?? String(id), description: parameters.description, tagsJSON: tagsJSON,
            clientToken: parameters.clientToken, requestFingerprint: fingerprint, encrypted: parameters.encrypted ?? false,
            kmsKeyARN: parameters.kmsKeyARN, timeoutMinutes: timeout,
            // Stored to the millisecond; answering with the same precision makes a ClientToken repeat identical.
            startTime: Date(timeIntervalSince1970: (clock.now.timeIntervalSince1970 * 1000).rounded() / 1000))
        do {
            try await metadata.insertSnapshot(snapshot)
        } catch StorageError.conflict {
            // A concurrent request with the same token won; answer as its repeat would.
            return try await startSnapshot(accountID: accountID, region: region, parameters)
        } catch let error as StorageError {
            throw SnapshotError(error)
        }
        return snapshot
    }

    /// The parameters that must match for a ClientToken repeat to be the same request.
    static func fingerprint(_ parameters: StartSnapshotParameters, volumeSize: Int64, timeout: Int64) -> String {
        let tags = parameters.tags.map { "\($0.Key ?? "")=\($0.Value ?? "")" }.joined(separator: "\u{1f}")
        return [String(volumeSize), parameters.parentSnapshotID ?? "", tags, parameters.description ?? "",
                String(parameters.encrypted ?? false), parameters.kmsKeyARN ?? "", String(timeout)].joined(separator: "\u{1e}")
    }
}
