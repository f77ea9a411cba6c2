import TesseraCore
import TesseraStorage

/// The rules of a layer upload's life cycle, as plain functions of its state (no I/O), from the ECR API
/// reference (UploadLayerPart, CompleteLayerUpload) and the service quotas: parts arrive strictly in order,
/// each placed by an inclusive byte range that must match its length; every part but the last is at least
/// the minimum part size; an upload has at most so many parts and bytes.
public enum LayerUploadRules {
    /// Checks a part of `length` bytes claimed to span `firstByte...lastByte` against an open upload.
    public static func checkPart(_ upload: LayerUploadRecord, firstByte: Int64, lastByte: Int64, length: Int64,
                                 limits: RegistryLimits) throws(RegistryError) {
        guard firstByte >= 0 else { throw .invalidParameter(member: "partFirstByte", constraint: "must be at least 0") }
        guard lastByte >= 0 else { throw .invalidParameter(member: "partLastByte", constraint: "must be at least 0") }
        guard firstByte == upload.receivedBytes else {
            throw .partOutOfOrder(uploadID: upload.id, expectedFirstByte: upload.receivedBytes)
        }
        guard lastByte >= firstByte, lastByte - firstByte + 1 == length else {
            throw .partLengthMismatch(uploadID: upload.id, firstByte: firstByte, lastByte: lastByte, length: length,
                                      expectedFirstByte: upload.receivedBytes)
        }
        guard upload.partCount < limits.maximumParts else {
            throw .limitExceeded("The upload already has the maximum of \(limits.maximumParts) parts")
        }
        guard lastByte < limits.maximumLayerSize else {
            throw .limitExceeded("A layer may be at most \(limits.maximumLayerSize) bytes")
        }
    }

    /// Whether a part is the upload's last part sent again: same place, same bytes. Clients retry a part whose
    /// answer they lost; it is accepted as already received.
    public static func isRepeatOfLastPart(_ lastPart: LayerPartRecord?, firstByte: Int64, length: Int64,
                                          blob: SHA256Value) -> Bool {
        guard let lastPart else { return false }
        return lastPart.firstByte == firstByte && lastPart.length == length && lastPart.blob == blob
    }

    /// Checks the parts of an upload about to complete.
    public static func checkCompletion(uploadID: String, parts: [LayerPartRecord], limits: RegistryLimits) throws(RegistryError) {
        guard let last = parts.last else {
            if limits.allowsEmptyLayers { return }
            throw .emptyUpload(uploadID: uploadID)
        }
        for part in parts where part.position != last.position && part.length < limits.minimumPartSize {
            throw .partTooSmall(uploadID: uploadID, position: part.position, length: part.length, minimum: limits.minimumPartSize)
        }
    }
}
